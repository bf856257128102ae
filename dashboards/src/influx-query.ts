import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DATASOURCE_REF } from './datasource.js';

export type ResultFormat = 'time_series' | 'table';

/** What one panel target holds; raw InfluxQL, so what the tests run is what Grafana runs. */
export interface InfluxTarget {
  refId: string;
  datasource: { type: string; uid: string };
  query: string;
  rawQuery: true;
  resultFormat: ResultFormat;
  alias?: string;
  hide?: boolean;
}

/**
 * The foundation SDK has no InfluxDB query builder: this is the smallest one that emits
 * the JSON Grafana's InfluxQL editor saves in raw mode.
 */
export class InfluxQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly target: InfluxTarget;

  constructor(query: string) {
    this.target = { refId: 'A', datasource: { ...DATASOURCE_REF }, query, rawQuery: true, resultFormat: 'time_series' };
  }

  refId(refId: string): this {
    this.target.refId = refId;
    return this;
  }

  /** Series name template, e.g. `$tag_case air` (Grafana's InfluxQL alias syntax). */
  alias(alias: string): this {
    this.target.alias = alias;
    return this;
  }

  table(): this {
    this.target.resultFormat = 'table';
    return this;
  }

  build(): cog.Dataquery {
    return { ...this.target } as unknown as cog.Dataquery;
  }
}

export function influx(query: string, refId = 'A'): InfluxQueryBuilder {
  return new InfluxQueryBuilder(query).refId(refId);
}
