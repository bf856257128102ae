import { gatewayStatsPoints, kpiPoints, Reading, readingId, readingToPoint, type InfluxPointShape, type TaskKind } from '@shelfwatch/contracts';

/**
 * Several stores' last half hour as the chain's InfluxDB holds it (no raw sensor readings:
 * those stay in each store's node): KPIs through kpiPoints, device statuses through
 * readingToPoint, gateway counters through gatewayStatsPoints, each store in a known state
 * so the chain overview's figures can be checked exactly.
 * Every store is in a different, healthier state in the first half (`earlier`), so a
 * query that takes a mean or a maximum over the range instead of the latest value, or
 * a counter's last value instead of its increase, gets a wrong answer.
 */
export interface StoreState {
  /** Per aisle: slots and how many are out of stock. */
  aisles: { slots: number; oos: number }[];
  /** Per case: alarm, minutes above limit, refrigeration service needed. */
  cases: { inAlarm: boolean; minutesAbove: number; serviceNeeded: boolean }[];
  openTasks: Partial<Record<TaskKind, number>>;
  /** How many of the store's devices are offline. */
  offlineDevices: number;
  outboxAgeS: number;
}

export interface ChainStoreSpec {
  storeId: string;
  earlier: StoreState;
  now: StoreState;
  /** Readings dead-lettered and inputs rejected during the half hour (fewer if the gateway restarts). */
  deadLettered: number;
  rejected: number;
  /** The gateway restarts halfway (its counters start again from 0). */
  gatewayRestarts?: boolean;
}

export interface ChainSimulation {
  start: number;
  end: number;
  points: InfluxPointShape[];
  /** What each store's gateway really dead-lettered and rejected in the half hour (a restart's minute has none). */
  gatewayTotals: Map<string, { deadLettered: number; rejected: number }>;
}

const MIN = 60_000;
const MINUTES = 30;
const DEVICES = 6;

export function simulateChain(stores: ChainStoreSpec[], end: number): ChainSimulation {
  const start = end - MINUTES * MIN;
  const points: InfluxPointShape[] = [];
  const gatewayTotals = new Map<string, { deadLettered: number; rejected: number }>();
  for (const spec of stores) {
    const storeId = spec.storeId;
    const reading = (r: Reading) => points.push(readingToPoint(Reading.parse(r)));
    const gatewayCount = { dead: 0, rejected: 0 };
    const totals = { deadLettered: 0, rejected: 0 };
    gatewayTotals.set(storeId, totals);
    for (let m = 0; m <= MINUTES; m++) {
      const at = start + m * MIN;
      const state = m < MINUTES / 2 ? spec.earlier : spec.now;
      points.push(
        ...kpiPoints(
          {
            storeId,
            at,
            availability: state.aisles.map((a, i) => ({ aisle: String(i + 1), onShelfPct: (100 * (a.slots - a.oos)) / a.slots, oosSlots: a.oos, slots: a.slots })),
            compliance: [],
            cases: state.cases.map((c, i) => ({
              caseId: `case-${i + 1}`,
              minutesAboveLimit: c.minutesAbove,
              inAlarm: c.inAlarm,
              plant: { dutyPct: 50, capacityPctOfNormal: 100, serviceNeeded: c.serviceNeeded },
            })),
          },
          Object.entries(state.openTasks).map(([kind, open]) => ({ kind, open })),
        ),
      );
      // Statuses are change events: written at the start and whenever a device's state flips.
      const previous = m === 0 ? null : m === MINUTES / 2 ? spec.earlier : state;
      for (let d = 0; d < DEVICES; d++) {
        const online = d >= state.offlineDevices;
        if (previous !== null && online === d >= previous.offlineDevices) continue;
        const deviceId = `${storeId}-dev-${d}`;
        reading({ kind: 'device.status', id: readingId.status(deviceId, at, online), storeId, deviceId, ts: at, deviceKind: 'camera', online, detail: online ? 'mqtt connected' : 'lwt' });
      }
      if (spec.gatewayRestarts && m === MINUTES / 2) {
        gatewayCount.dead = 0;
        gatewayCount.rejected = 0;
      } else if (m > 0) {
        // Spread the half hour's dead letters and rejects over the minutes.
        const share = (total: number) => Math.floor((total * m) / MINUTES) - Math.floor((total * (m - 1)) / MINUTES);
        const dead = share(spec.deadLettered);
        const rejected = share(spec.rejected);
        gatewayCount.dead += dead;
        gatewayCount.rejected += rejected;
        totals.deadLettered += dead;
        totals.rejected += rejected;
      }
      points.push(
        ...gatewayStatsPoints({
          storeId,
          gatewayId: `${storeId}-gw`,
          at,
          rejected: [{ input: 'serial', reason: 'bad_checksum', count: gatewayCount.rejected }],
          sinks: [
            { sink: 'influx', written: m * 100, outboxDepth: 0, outboxAgeS: 0 },
            { sink: 'backend', written: m * 5, outboxDepth: state.outboxAgeS > 0 ? 50 : 0, outboxAgeS: state.outboxAgeS },
          ],
          deadLettered: [
            { sink: 'backend', reason: 'poison', count: gatewayCount.dead },
            { sink: 'influx', reason: 'refused', count: 0 },
          ],
        }),
      );
    }
  }
  return { start, end, points, gatewayTotals };
}
