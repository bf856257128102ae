import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { InfluxTarget } from './influx-query.js';

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  query: string;
  /** The panel's own interval (minimum $__interval), when set. */
  interval?: string;
  repeat?: string;
}

interface PanelLike {
  title?: string;
  type?: string;
  interval?: string;
  repeat?: string;
  targets?: unknown[];
  panels?: PanelLike[];
}

/** Every query a dashboard runs: panel targets (rows included) and annotations. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  const visit = (panels: PanelLike[]) => {
    for (const p of panels) {
      for (const t of (p.targets ?? []) as InfluxTarget[]) {
        out.push({ dashboard: dashboard.title ?? '', panel: p.title ?? '', refId: t.refId, query: t.query, interval: p.interval, repeat: p.repeat });
      }
      if (p.panels) visit(p.panels);
    }
  };
  visit(dashboard.panels ?? []);
  for (const a of dashboard.annotations?.list ?? []) {
    const t = a.target as unknown as InfluxTarget | undefined;
    if (t?.query) out.push({ dashboard: dashboard.title ?? '', panel: `annotation: ${a.name}`, refId: t.refId, query: t.query });
  }
  return out;
}
