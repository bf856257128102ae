import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';

/** Ascending threshold steps: the first colour applies below the first value. */
export function steps(base: string, ...rest: [number, string][]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...rest.map(([value, color]) => ({ value, color }))]);
}

/** Grafana colour names used across the dashboards, so "bad" always looks the same. */
export const COLOR = {
  ok: 'green',
  warn: 'orange',
  bad: 'red',
  info: 'blue',
  neutral: 'text',
  off: 'transparent',
} as const;
