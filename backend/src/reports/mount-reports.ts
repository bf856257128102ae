import { INFLUX_DATABASE, influxEndpoint, type StoreLayout } from '@shelfwatch/contracts';
import type { Router } from 'express';
import { InfluxDB } from 'influx';
import type { AppContext } from '../context.js';
import { requireRole } from '../http/auth.js';
import type { ColdChainLimits } from '../rules/types.js';
import { haccpRouter } from './haccp-router.js';

/**
 * The report routers, wired to the backend's own task history and InfluxDB settings.
 * Reports read InfluxDB's long-retention series, so without an InfluxDB there are none.
 */
export function reportRouters(
  ctx: AppContext,
  deps: { layouts: readonly StoreLayout[]; limits: Record<'chilled' | 'frozen', ColdChainLimits> },
): Router[] {
  const influxConfig = ctx.config.influx;
  if (!influxConfig) return [];
  const database = influxConfig.database ?? INFLUX_DATABASE;
  const influx = new InfluxDB({ ...influxEndpoint(influxConfig.url), database });
  const categoryOf = new Map(deps.layouts.flatMap((l) => l.cases.map((c) => [c.id, c.category] as const)));
  return [
    haccpRouter({
      influx,
      database,
      tasksForCase: async (caseId, from, to) => ctx.storage.tasks.forCase(caseId, from, to),
      requireRole: (role) => requireRole(ctx.tokens, [role]),
      limitForCase: (caseId) => {
        const category = categoryOf.get(caseId);
        return category === undefined ? undefined : deps.limits[category].productLimitC;
      },
      logger: ctx.logger,
    }),
  ];
}
