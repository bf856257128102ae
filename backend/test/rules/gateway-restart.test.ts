import { gatewayRestartReading } from '@shelfwatch/contracts';
import type { Reading } from '@shelfwatch/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuleDecision } from '../../src/rules/index.js';
import { asserts, camera, ctl, makeEngine, MIN, probe, steady, STORE, T0, weight } from './timeline.js';

/**
 * The gateway is down from minute 30 to 55: every device keeps what it measured (a board its
 * frames, a camera and a probe their queued messages, a controller its log) and delivers it
 * when the gateway is back, each in its own order but at its own pace. Meanwhile slot-1 sells
 * out (minute 40) and the dairy case's door is left open (minutes 42–52).
 */
const DOWN = T0 + 30 * MIN;
const UP = T0 + 55 * MIN;
const END = T0 + 120 * MIN;

function storeDay(): Reading[] {
  const shelf: Reading[] = [];
  for (const slotId of ['slot-1', 'slot-2', 'slot-3', 'slot-4']) shelf.push(weight(slotId, T0, 12));
  for (const slotId of ['slot-1', 'slot-2', 'slot-3']) shelf.push(camera(slotId, T0 + 15_000));
  shelf.push(weight('slot-1', T0 + 40 * MIN, 0), camera('slot-1', T0 + 40 * MIN + 15_000, { gap: true }));
  const cases: Reading[] = [];
  // Door open: the air warms 0.8 °C a minute and recovers as fast once it closes; the product
  // simulant follows the air as a first-order lag (60 min), half a degree above it at rest.
  const warmth = (m: number) => (m < 42 ? 0 : m < 52 ? m - 42 : Math.max(0, 62 - m));
  let product = 3.5;
  for (let m = 0; m <= 120; m++) {
    const t = T0 + m * MIN;
    product += (3.5 + 0.8 * warmth(m) - product) * (1 - Math.exp(-1 / 60));
    cases.push(probe('probe-4a', 'case-4', t + 20_000, 3 + 0.8 * warmth(m)));
    cases.push(probe('probe-4p', 'case-4', t + 25_000, Math.round(product * 100) / 100));
    cases.push(probe('probe-9p', 'case-9', t + 30_000, -20));
    if (m % 2 === 0) {
      cases.push(ctl('case-4', t + 5_000, 'case.air_temperature', 2.5 + 0.8 * warmth(m)));
      cases.push(ctl('case-5', t + 6_000, 'case.air_temperature', 2.4));
      cases.push(ctl('case-9', t + 7_000, 'case.air_temperature', -21));
    }
  }
  cases.push(ctl('case-4', T0 + 42 * MIN, 'case.door', true), ctl('case-4', T0 + 52 * MIN, 'case.door', false));
  return [...steady(shelf, END), ...cases].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
}

const day = storeDay();
const before = day.filter((r) => r.ts < DOWN);
const marker = gatewayRestartReading({ storeId: STORE, gatewayId: 'gw-1', ts: Math.max(...before.map((r) => r.ts)) });
/** What each device delivers once the gateway is back, up to a few minutes after it (its backlog, then live). */
const backlog = day.filter((r) => r.ts >= DOWN && r.ts < UP + 5 * MIN);
const after = day.filter((r) => r.ts >= UP + 5 * MIN);
const devices = [...new Set(backlog.map((r) => r.deviceId))].sort();

/** Each device's backlog in its own order; `picks` says whose reading arrives next (then the rest, device by device). */
function interleave(picks: number[]): Reading[] {
  const streams = devices.map((d) => backlog.filter((r) => r.deviceId === d));
  const out: Reading[] = [];
  for (const p of picks) {
    const next = streams[p % streams.length]!.shift();
    if (next) out.push(next);
  }
  for (const s of streams) out.push(...s);
  return out;
}

const deviceFirst = (first: (id: string) => boolean) => [...backlog.filter((r) => first(r.deviceId)), ...backlog.filter((r) => !first(r.deviceId))];

function decide(arrival: Reading[]): RuleDecision[] {
  const { engine } = makeEngine({ 'CER-1': 40 });
  const out: RuleDecision[] = [];
  for (const r of arrival) out.push(...engine.onReading(r));
  out.push(...engine.onTick(END));
  return out;
}

const inOrder = decide([...before, marker, ...backlog, ...after]);

// Each case replays two hours of a store several times: seconds on a busy machine.
describe('a gateway restart: the same tasks whichever device’s backlog arrives first', { timeout: 60_000 }, () => {
  it('in event order: the sell-out and the open door are raised at their event times; nothing about devices or the store', () => {
    expect(asserts(inOrder, 'out_of_stock', 'slot:slot-1')[0]?.at).toBeLessThan(UP);
    expect(asserts(inOrder, 'temperature_excursion', 'case:case-4')[0]?.at).toBeLessThan(UP);
    expect(asserts(inOrder, 'sensor_fault')).toEqual([]);
  });

  it('boards flushed first, cameras first, probes and controllers first: identical decisions, none late', () => {
    for (const first of [(id: string) => id.startsWith('board'), (id: string) => id.startsWith('cam'), (id: string) => id.startsWith('probe') || id.startsWith('ctl')]) {
      expect(decide([...before, marker, ...deviceFirst(first), ...after])).toEqual(inOrder);
    }
  });

  it('any interleaving of the devices’ backlogs gives identical decisions', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: devices.length - 1 }), { maxLength: backlog.length }), (picks) => {
        expect(decide([...before, marker, ...interleave(picks), ...after])).toEqual(inOrder);
      }),
      { seed: 1601, numRuns: 25 },
    );
  });

  it('replayed in event order (a backend restart) gives the same decisions', () => {
    const replay = [...day, marker].sort((a, b) => a.ts - b.ts || (a.kind === 'device.status' ? 1 : 0) - (b.kind === 'device.status' ? 1 : 0));
    expect(decide(replay)).toEqual(inOrder);
  });
});

describe('a gateway restart: silence while it was not listening is not evidence', () => {
  const camLost = (r: Reading) => r.deviceId === 'cam-3' && r.ts >= DOWN && r.ts < UP;

  it('a camera whose queued messages were lost (QoS 0) and that reports again after the restart is not reported', () => {
    const ds = decide([...before, marker, ...backlog.filter((r) => !camLost(r)), ...after]);
    expect(asserts(ds, 'sensor_fault')).toEqual([]);
  });

  it('a camera that never comes back is reported once the catch-up horizon has passed, dated when it was last heard', () => {
    const gone = (r: Reading) => r.deviceId === 'cam-3' && r.ts >= DOWN;
    const ds = decide([...before, marker, ...backlog.filter((r) => !gone(r)), ...after.filter((r) => !gone(r))]);
    const cam = asserts(ds, 'sensor_fault', 'device:cam-3');
    expect(cam[0]?.at).toBeGreaterThanOrEqual(marker.ts + 60 * MIN);
    expect(cam[0]?.condition.evidence[0]?.ts).toBeLessThan(DOWN);
    expect(asserts(ds, 'sensor_fault', `store:${STORE}`)).toEqual([]);
  });

  it('without the gateway’s statement, the same lost messages are a camera not reporting', () => {
    const ds = decide([...before, ...backlog.filter((r) => !camLost(r)), ...after]);
    expect(asserts(ds, 'sensor_fault', 'device:cam-3').length).toBeGreaterThan(0);
  });
});
