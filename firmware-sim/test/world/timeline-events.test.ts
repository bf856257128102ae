import { describe, expect, it } from 'vitest';
import { SimEngine, type StepOutput } from '../../src/engine/sim-engine.js';
import { scenarioFromObject } from '../../src/scenario/load-scenario.js';
import type { GroundTruthEvent } from '../../src/world/ground-truth.js';
import { ProbeSensor } from '../../src/world/probe-model.js';
import { NO_PROBE_FAULTS } from '../../src/world/probe-model.js';
import { Rng } from '../../src/world/rng.js';
import { tinyScenario } from '../fixtures/tiny-scenario.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const QUIET = { unitsPerSlotPerDay: 0, touchesPerSale: 0 };

/** Runs the tiny store with a timeline; `probe` is called after every step. */
async function run(settings: Record<string, unknown>, timeline: unknown[], probe?: (engine: SimEngine, out: StepOutput) => void) {
  const scenario = await scenarioFromObject(tinyScenario({ settings: { durationS: 3600, demand: QUIET, ...settings }, timeline }));
  const truth: GroundTruthEvent[] = [];
  const engine = new SimEngine({ scenario, seed: 3, sink: (e) => truth.push(e) });
  const outputs: StepOutput[] = [];
  while (!engine.done) {
    const out = engine.step();
    outputs.push(out);
    probe?.(engine, out);
  }
  return { engine, truth, outputs, world: engine.world };
}

const at = (s: number) => T0 + s * 1000;
const during = (outputs: StepOutput[], fromS: number, toS: number) => outputs.filter((o) => o.nowMs > at(fromS) && o.nowMs < at(toS));
const ofType = <T extends GroundTruthEvent['type']>(truth: GroundTruthEvent[], type: T) => truth.filter((e): e is Extract<GroundTruthEvent, { type: T }> => e.type === type);

describe('timeline: shoppers', () => {
  it('a lift of the last unit empties the front and the scale for its duration, never the stock', async () => {
    const views: { t: number; front: string | null; grams: number }[] = [];
    const { truth } = await run({ initialStock: { slots: { 's1-1': 1 } } }, [{ at: 600, type: 'shopper_lift', slotId: 's1-1', units: 1, forS: 90 }], (engine, out) => {
      const s = engine.world.slots.get('s1-1')!;
      views.push({ t: out.nowMs, front: engine.world.slotView('s1-1').frontSku, grams: s.cell.apparentGrams(out.nowMs + 60_000) });
    });
    const inLift = views.filter((v) => v.t > at(601) && v.t < at(689));
    expect(inLift.every((v) => v.front === null && Math.abs(v.grams) < 50)).toBe(true);
    expect(views.at(-1)).toMatchObject({ front: 'PASTA-500' });
    expect(views.at(-1)!.grams).toBeCloseTo(510, 0);
    expect(ofType(truth, 'shopper_action')).toEqual([expect.objectContaining({ slotId: 's1-1', action: 'lift', grams: 510, startMs: at(600), endMs: at(690), seconds: 90 })]);
    expect(ofType(truth, 'out_of_stock')).toEqual([]);
    expect(ofType(truth, 'stock').filter((e) => e.cause !== 'initial')).toEqual([]);
  });

  it('leaning on a shelf adds weight while it lasts; nothing else changes', async () => {
    let peak = 0;
    const { truth, world } = await run({}, [{ at: 300, type: 'shopper_lean', slotId: 's1-2', grams: 6000, forS: 40 }], (engine, out) => {
      peak = Math.max(peak, engine.world.slots.get('s1-2')!.cell.apparentGrams(out.nowMs));
    });
    const s = world.slots.get('s1-2')!;
    expect(peak).toBeGreaterThan(s.units * 460 + 5000);
    expect(s.cell.apparentGrams(world.nowMs)).toBeCloseTo(s.units * 460, 0);
    expect(ofType(truth, 'shopper_action')).toEqual([expect.objectContaining({ action: 'lean', grams: 6000, seconds: 40 })]);
  });

  it('products pushed to the back: units on the scale, an empty front for the camera, not a missing-facings violation', async () => {
    const fronts: number[] = [];
    const { truth, world } = await run({}, [{ at: 600, type: 'push_back', slotId: 's1-2', forS: 1200 }], (engine, out) => {
      if (out.nowMs >= at(600) && out.nowMs < at(1800)) fronts.push(engine.world.slotView('s1-2').facingsVisible);
    });
    expect(fronts.every((f) => f === 0)).toBe(true);
    expect(world.slotView('s1-2').facingsVisible).toBeGreaterThan(0);
    expect(ofType(truth, 'pushed_back')).toEqual([expect.objectContaining({ slotId: 's1-2', startMs: at(600), endMs: at(1800), minutes: 20 })]);
    expect(ofType(truth, 'planogram_violation')).toEqual([]);
    expect(ofType(truth, 'out_of_stock')).toEqual([]);
  });
});

describe('timeline: a wrong product that sells and is restocked', () => {
  it('shoppers buy the wrong product, staff stock more of it, a planned restock clears it; the violation lasts while any is there', async () => {
    const { truth, world } = await run({ durationS: 4 * 3600 }, [
      { at: 600, type: 'misplace_product', slotId: 's1-2', sku: 'PASTA-500', units: 3, soldPerHour: 6 },
      { at: 7200, type: 'restock', slotId: 's1-2', sku: 'PASTA-500', units: 2 },
      { at: 3 * 3600, type: 'restock', slotId: 's1-2' },
    ]);
    const moves = ofType(truth, 'misplaced_stock');
    expect(moves[0]).toMatchObject({ sku: 'PASTA-500', units: 3, cause: 'misplace' });
    expect(moves.filter((m) => m.cause === 'sale').length).toBeGreaterThanOrEqual(3);
    expect(moves).toContainEqual(expect.objectContaining({ ts: at(7200), cause: 'restock' }));
    const violations = ofType(truth, 'planogram_violation');
    expect(violations[0]).toMatchObject({ violation: 'wrong_product', foundSku: 'PASTA-500', startMs: at(600) });
    // Sold out before the wrong restock: two violations, the second ending at the planned restock or the last sale.
    for (const v of violations) expect(v.endMs).toBeLessThanOrEqual(at(3 * 3600));
    expect(world.slots.get('s1-2')!.misplaced).toBeNull();
    const s = world.slots.get('s1-2')!;
    expect(s.cell.apparentGrams(world.nowMs)).toBeCloseTo(s.units * 460, 0);
  });
});

describe('timeline: probes', () => {
  const sensor = () => new ProbeSensor(0, 0, new Rng(1, 'p'));
  it('stuck at a chosen value, offset by a constant, drifting up to a limit and staying there', () => {
    expect(sensor().sample(3.2, T0, { ...NO_PROBE_FAULTS, stuck: true, stuckValueC: 3.4 })).toEqual({ tempC: 3.4, fault: null });
    expect(sensor().sample(3.2, T0, { ...NO_PROBE_FAULTS, offsetC: 2.5 }).tempC).toBeCloseTo(5.7, 6);
    const drift = { ...NO_PROBE_FAULTS, driftCPerH: 0.8, driftSinceMs: T0, driftMaxC: 3 };
    expect(sensor().sample(3, T0 + 3_600_000, drift).tempC).toBeCloseTo(3.8, 6);
    expect(sensor().sample(3, T0 + 10 * 3_600_000, drift).tempC).toBeCloseTo(6, 6);
  });

  it('records each probe fault with what it was', async () => {
    const { truth } = await run({}, [
      { at: 60, type: 'probe_stuck', probeId: 'probe-1p', valueC: 3.4 },
      { at: 60, type: 'probe_offset', probeId: 'probe-1a', offsetC: 2.5, forS: 600 },
      { at: 120, type: 'probe_drift', probeId: 'probe-1p', cPerHour: 0.8, maxC: 3 },
    ]);
    expect(ofType(truth, 'fault').map((f) => [f.fault, f.target, f.detail, f.openAtEnd])).toEqual([
      ['probe_offset', 'probe-1a', { offsetC: 2.5 }, false],
      ['probe_drift', 'probe-1p', { cPerHour: 0.8, maxC: 3 }, true],
      ['probe_stuck', 'probe-1p', { valueC: 3.4 }, true],
    ]);
  });
});

describe('timeline: cases', () => {
  it('a setpoint change is regulated to and reported by the controller, and recorded', async () => {
    const { truth, outputs, world } = await run({ durationS: 3 * 3600 }, [{ at: 600, type: 'setpoint_change', caseId: 'case-1', setpointC: 7, forS: 7200 }]);
    const setpoints = outputs.flatMap((o) => o.controllers.flatMap((c) => c.changes.filter((ch) => ch.variable === 'setpointC').map((ch) => ch.value)));
    expect(setpoints).toEqual([3, 7, 3]);
    expect(ofType(truth, 'setpoint')).toEqual([
      expect.objectContaining({ ts: at(600), caseId: 'case-1', fromC: 3, toC: 7 }),
      expect.objectContaining({ ts: at(7800), fromC: 7, toC: 3 }),
    ]);
    void world;
  });

  it('a gradual loss of cooling lets the air creep up; a door rush adds door openings; both recorded', async () => {
    const base = await run({ durationS: 4 * 3600 }, []);
    const airAt = (r: Awaited<ReturnType<typeof run>>) => r.world.cases.get('case-1')!.state.airC;
    const weak = await run({ durationS: 4 * 3600 }, [{ at: 600, type: 'cooling_degradation', caseId: 'case-1', toFraction: 0.1, rampS: 3600 }]);
    expect(airAt(weak)).toBeGreaterThan(airAt(base) + 3);
    expect(ofType(weak.truth, 'fault')).toEqual([expect.objectContaining({ fault: 'cooling_degradation', target: 'case-1', detail: { toFraction: 0.1, rampS: 3600 } })]);
    const rush = await run({ durationS: 4 * 3600 }, [{ at: 600, type: 'door_rush', caseId: 'case-1', openingsPerHour: 60, openS: 10, forS: 3600 }]);
    expect(ofType(rush.truth, 'door_open').length).toBeGreaterThan(ofType(base.truth, 'door_open').length + 20);
    expect(ofType(rush.truth, 'door_rush')).toEqual([expect.objectContaining({ caseId: 'case-1', openingsPerHour: 60, minutes: 60 })]);
  });

  it('slow plant failures (leak, fouled condenser, icing coil) warm the case and are recorded as faults; a repair ends icing', async () => {
    const base = await run({ durationS: 6 * 3600 }, []);
    const airAt = (r: Awaited<ReturnType<typeof run>>) => r.world.cases.get('case-1')!.state.airC;
    const leak = await run({ durationS: 6 * 3600 }, [{ at: 600, type: 'refrigerant_leak', caseId: 'case-1', toFraction: 0.1, rampS: 3600 }]);
    expect(airAt(leak)).toBeGreaterThan(airAt(base) + 3);
    expect(ofType(leak.truth, 'fault')).toEqual([expect.objectContaining({ fault: 'refrigerant_leak', target: 'case-1', detail: { toFraction: 0.1, rampS: 3600 } })]);
    const fouled = await run({ durationS: 6 * 3600, ambientC: 30 }, [{ at: 600, type: 'condenser_fouling', caseId: 'case-1', lossAtRefC: 0.3, lossPerC: 0.1 }]);
    expect(airAt(fouled)).toBeGreaterThan(airAt(base) + 3);
    expect(ofType(fouled.truth, 'fault')).toEqual([expect.objectContaining({ fault: 'condenser_fouling', detail: { lossAtRefC: 0.3, lossPerC: 0.1, rampS: 0 } })]);
    const iced = await run({ durationS: 6 * 3600 }, [{ at: 600, type: 'evaporator_icing', caseId: 'case-1', lossPerRunH: 0.2, defrostClears: 0.5, forS: 4 * 3600 }]);
    expect(ofType(iced.truth, 'fault')).toEqual([expect.objectContaining({ fault: 'evaporator_icing', detail: { lossPerRunH: 0.2, defrostClears: 0.5 } })]);
    expect(iced.world.cases.get('case-1')!.ice).toBe(0);
  });
});

describe('timeline: devices and the network', () => {
  it('a silent device sends nothing and keeps its link; a silent board re-announces every channel after', async () => {
    const { outputs, truth } = await run({}, [
      { at: 600, type: 'device_silent', deviceId: 'board-s1', forS: 600 },
      { at: 600, type: 'device_silent', deviceId: 'probe-1a', forS: 600 },
      { at: 600, type: 'device_silent', deviceId: 'ctl-1', forS: 600 },
    ]);
    const quiet = during(outputs, 601, 1199);
    expect(quiet.flatMap((o) => o.boards)).toEqual([]);
    expect(quiet.flatMap((o) => o.probes.filter((p) => p.probeId === 'probe-1a'))).toEqual([]);
    expect(quiet.flatMap((o) => o.controllers)).toEqual([]);
    expect(outputs.flatMap((o) => o.links)).toEqual([]);
    const back = outputs.find((o) => o.nowMs > at(1200) && o.boards.length > 0)!;
    expect(back.boards[0]!.output.channels).toBe(3);
    expect(ofType(truth, 'fault').map((f) => f.target).sort()).toEqual(['board-s1', 'ctl-1', 'probe-1a']);
  });

  it('a camera that goes offline drops its link and scans nothing; coverage events and settings hide slots', async () => {
    const { outputs, truth } = await run({ cameras: { slots: { 's1-3': { covered: false } } } }, [
      { at: 600, type: 'camera_offline', cameraId: 'cam-1', forS: 300 },
      { at: 1200, type: 'camera_coverage', cameraId: 'cam-1', slotIds: ['s1-1'], forS: 600 },
    ]);
    expect(outputs.flatMap((o) => o.links)).toEqual([
      { kind: 'camera', id: 'cam-1', up: false },
      { kind: 'camera', id: 'cam-1', up: true },
    ]);
    expect(during(outputs, 601, 899).flatMap((o) => o.scans)).toEqual([]);
    const slotsSeen = (from: number, to: number) => new Set(during(outputs, from, to).flatMap((o) => o.scans.flatMap((s) => s.message.slots.map((x) => x.slotId))));
    expect(slotsSeen(1260, 1740)).toEqual(new Set(['s1-2']));
    expect(slotsSeen(1900, 3600)).toEqual(new Set(['s1-1', 's1-2']));
    expect(ofType(truth, 'camera_coverage').map((c) => [c.slotId, c.startMs, c.endMs, c.openAtEnd])).toEqual([
      ['s1-1', at(1200), at(1800), false],
      ['s1-3', T0, at(3600), true],
    ]);
    expect(ofType(truth, 'fault')).toEqual([expect.objectContaining({ fault: 'camera_offline', target: 'cam-1' })]);
  });

  it('a power cut takes every device down at once and stops the cooling; one store-wide fault', async () => {
    const { outputs, truth } = await run({ durationS: 2 * 3600 }, [{ at: 600, type: 'power_cut', forS: 1800 }]);
    const down = outputs.find((o) => o.nowMs === at(600))!.links;
    expect(down.map((l) => `${l.kind}:${l.id}:${l.up}`).sort()).toEqual(['board:board-s1:false', 'camera:cam-1:false', 'controller:ctl-1:false', 'probe:probe-1a:false', 'probe:probe-1p:false']);
    expect(outputs.find((o) => o.nowMs === at(2400))!.links.map((l) => l.up)).toEqual([true, true, true, true, true]);
    const cut = during(outputs, 601, 2399);
    expect(cut.flatMap((o) => [...o.boards, ...o.scans, ...o.probes, ...o.controllers])).toEqual([]);
    expect(ofType(truth, 'fault')).toEqual([expect.objectContaining({ fault: 'power_cut', target: 'tiny-store', startMs: at(600), endMs: at(2400) })]);
  });

  it('gateway and backhaul outages are network changes for the harness, with their ground truth', async () => {
    const { outputs, truth } = await run({}, [
      { at: 300, type: 'gateway_outage', forS: 300 },
      { at: 1200, type: 'backhaul_outage', delivery: 'shuffled', windowS: 240, forS: 600 },
    ]);
    expect(outputs.flatMap((o) => o.network.map((n) => ({ ...n, at: (o.nowMs - T0) / 1000 })))).toEqual([
      { link: 'gateway', up: false, at: 300 },
      { link: 'gateway', up: true, at: 600 },
      { link: 'backhaul', up: false, delivery: 'shuffled', windowS: 240, at: 1200 },
      { link: 'backhaul', up: true, at: 1800 },
    ]);
    expect(ofType(truth, 'fault').map((f) => [f.fault, f.target])).toEqual([
      ['gateway_outage', 'gateway'],
      ['backhaul_outage', 'backhaul'],
    ]);
  });
});

describe('timeline: determinism with every new event', () => {
  it('the same seed gives the same ground truth and device messages', async () => {
    const timeline = [
      { at: 120, type: 'shopper_lift', slotId: 's1-1', units: 2, forS: 60 },
      { at: 200, type: 'shopper_lean', slotId: 's1-3', grams: 3000, forS: 30 },
      { at: 300, type: 'misplace_product', slotId: 's1-2', sku: 'PASTA-500', units: 2, soldPerHour: 4 },
      { at: 400, type: 'push_back', slotId: 's1-3', forS: 600 },
      { at: 500, type: 'door_rush', caseId: 'case-1', openingsPerHour: 40, forS: 900 },
      { at: 600, type: 'cooling_degradation', caseId: 'case-1', toFraction: 0.5, rampS: 1200 },
      { at: 700, type: 'probe_drift', probeId: 'probe-1p', cPerHour: 1, maxC: 2 },
      { at: 800, type: 'camera_coverage', cameraId: 'cam-1', slotIds: ['s1-1'], forS: 300 },
      { at: 1500, type: 'power_cut', forS: 600 },
      { at: 2400, type: 'device_silent', deviceId: 'cam-1', forS: 300 },
    ];
    const settings = { demand: { unitsPerSlotPerDay: 80, touchesPerSale: 1 } };
    const [a, b] = [await run(settings, timeline), await run(settings, timeline)];
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    expect(JSON.stringify(a.outputs)).toBe(JSON.stringify(b.outputs));
  });
});
