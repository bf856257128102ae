import { INFLUX_DATABASE, influxEndpoint } from '@shelfwatch/contracts';
import type { Router } from 'express';
import { InfluxDB } from 'influx';
import type { AppContext } from '../context.js';
import { requireRole } from '../http/auth.js';
import type { ColdChainLimits } from '../rules/types.js';
import { haccpRouter } from './haccp-router.js';

/**
 * The report routers, wired to the backend's own task history and InfluxDB settings.
 * Reports read InfluxDB's long-retention series, so without an InfluxDB there are none.
 * Cases are looked up in the stored layouts, so a store added or changed after start counts.
 */
export function reportRouters(ctx: AppContext, deps: { limits: Record<'chilled' | 'frozen', ColdChainLimits> }): Router[] {
  const influxConfig = ctx.config.influx;
  if (!influxConfig) return [];
  const database = influxConfig.database ?? INFLUX_DATABASE;
  const influx = new InfluxDB({ ...influxEndpoint(influxConfig.url), database });
  const { catalog } = ctx.storage;
  return [
    haccpRouter({
      influx,
      database,
      requireOperations: requireRole(ctx.tokens, ['operations']),
      findCase: async (caseId) => {
        const known = [];
        for (const storeId of await catalog.storeIds()) {
          const found = (await catalog.layout(storeId))?.cases.find((c) => c.id === caseId);
          if (found) known.push({ storeId, limitC: deps.limits[found.category].productLimitC });
        }
        return known;
      },
      tasksForCase: async (caseId, storeId, from, to) => ctx.storage.tasks.forCase(caseId, from, to, storeId),
    }),
  ];
}
