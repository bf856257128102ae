import type { Scenario } from './schema.js';

const DAY_MS = 86_400_000;

/**
 * The scenario's start moved by whole days to the latest day that has begun: its day is
 * replayed today at its own time of day (demand follows the time of day), recent enough
 * for InfluxDB's raw retention, for dashboards looking at "now", and for the event-time
 * bounds gateway and backend keep against their clocks.
 */
export function shiftToToday(scenario: Scenario, nowMs: number): Scenario {
  const start = Date.parse(scenario.settings.startTime);
  const startTime = new Date(start + Math.floor((nowMs - start) / DAY_MS) * DAY_MS).toISOString();
  return { ...scenario, settings: { ...scenario.settings, startTime } };
}
