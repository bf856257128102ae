import { describe, expect, it } from 'vitest';
import type { Reading } from '@shelfwatch/contracts';
import { simulateCase } from './case-sim.js';
import { asserts, camera, clears, layout, makeEngine, MIN, raises, run, status, steady, T0, weight } from './timeline.js';

const at = (m: number) => T0 + m * MIN;
const DEVICES: [string, 'weight_board' | 'camera' | 'probe' | 'controller'][] = [
  ['board-3b', 'weight_board'],
  ['cam-3', 'camera'],
  ...layout.cases.flatMap((c) => [...c.probes.map((p): [string, 'probe'] => [p.id, 'probe']), [c.controllerId, 'controller'] as [string, 'controller']]),
];

/**
 * The whole test store reporting normally for `minutes`: every slot's weight each minute, the
 * camera's scans, the three cases' controllers and probes.
 */
function store(minutes: number, o: { slot1Units?: (m: number) => number; cameraGapAt?: number } = {}): Reading[] {
  const shelf: Reading[] = [];
  for (let m = 0; m <= minutes; m += 1) {
    shelf.push(weight('slot-1', at(m), o.slot1Units?.(m) ?? 12), weight('slot-2', at(m), 10), weight('slot-3', at(m), 8), weight('slot-4', at(m), 12));
    for (const slot of ['slot-1', 'slot-2', 'slot-3']) shelf.push(camera(slot, at(m) + 20_000, slot === 'slot-1' && m === o.cameraGapAt ? { gap: true, confidence: 0.95 } : {}));
  }
  const cases = (['case-4', 'case-5', 'case-9'] as const).flatMap((caseId) => simulateCase({ caseId, minutes }).readings);
  return [...shelf, ...cases];
}

const silentBetween = (readings: Reading[], from: number, to: number) => readings.filter((r) => r.ts < from || r.ts >= to);
const storeTasks = (ds: ReturnType<typeof run>) => asserts(ds, 'sensor_fault', 'store:store-1');
const deviceTasks = (ds: ReturnType<typeof run>) => asserts(ds, 'sensor_fault').filter((d) => d.condition.locationKey.startsWith('device:'));

describe('a whole-store outage is one task', () => {
  it('every device silent at once (power cut, gateway down): one store task, no device tasks, then back to what the devices report', () => {
    const { engine } = makeEngine({ 'CER-1': 10 });
    // A camera misread (a confident gap on slot-1) just before the store goes quiet for 45 min.
    const readings = silentBetween(store(120, { cameraGapAt: 39 }), at(40), at(85));
    const ds = run(engine, readings);
    const s = storeTasks(ds);
    expect(raises(ds, 'sensor_fault', 'store:store-1')).toBe(1);
    // The devices' last readings were at 39 min; silent 5 min (more than three of their one-minute intervals).
    expect(s[0]!.at).toBe(at(44));
    expect(s[0]!.condition.title).toBe('Store devices offline');
    expect(s[0]!.condition.reason).toMatch(/^4 of 5 devices stopped reporting at 06:39 UTC: one cause/);
    expect(deviceTasks(ds)).toEqual([]);
    // The misread and the silence are no evidence about stock or temperature.
    expect(asserts(ds).filter((d) => d.condition.kind !== 'sensor_fault')).toEqual([]);
    // Over 2 min after the devices report again.
    expect(clears(ds, 'sensor_fault', 'store:store-1').map((c) => c.at)).toEqual([at(87)]);
  });

  it('the gateway reporting every device offline at once is the same single task, raised at once', () => {
    const { engine } = makeEngine();
    const readings = silentBetween(store(120), at(40), at(85));
    for (const [id, kind] of DEVICES) readings.push(status(id, kind, at(40) + 5000, false), status(id, kind, at(85), true));
    const ds = run(engine, readings);
    expect(raises(ds, 'sensor_fault', 'store:store-1')).toBe(1);
    expect(storeTasks(ds)[0]!.at).toBe(at(41));
    expect(deviceTasks(ds)).toEqual([]);
  });

  it('after the outage, a device that did not come back is reported on its own, with the time it went silent', () => {
    const { engine } = makeEngine();
    const readings = silentBetween(store(120), at(40), at(85)).filter((r) => !(r.deviceId === 'cam-3' && r.ts >= at(40)));
    const ds = run(engine, readings);
    expect(raises(ds, 'sensor_fault', 'store:store-1')).toBe(1);
    const cam = asserts(ds, 'sensor_fault', 'device:cam-3');
    expect(cam).toHaveLength(1);
    expect(cam[0]!.at).toBeGreaterThan(clears(ds, 'sensor_fault', 'store:store-1')[0]!.at - 1);
    expect(cam[0]!.condition.reason).toMatch(/has sent nothing since 06:39 UTC/);
  });

  it('shelf tasks after the outage follow what the devices report then', () => {
    const { engine } = makeEngine({ 'CER-1': 10 });
    // slot-1 was emptied during the outage: the scale and the camera show it when they are back.
    const base = silentBetween(store(120), at(40), at(85));
    const readings = base.map((r) => (r.ts >= at(85) && r.kind === 'shelf.weight' && r.slotId === 'slot-1' ? weight('slot-1', r.ts, 0) : r.ts >= at(85) && r.kind === 'camera.slot' && r.slotId === 'slot-1' ? camera('slot-1', r.ts, { gap: true }) : r));
    const ds = run(engine, readings);
    const oos = asserts(ds, 'out_of_stock', 'slot:slot-1');
    expect(oos).toHaveLength(1);
    expect(oos[0]!.at).toBeGreaterThanOrEqual(at(87));
  });
});

describe('one device dying is that device, not the store', () => {
  it('a camera silent without a last will: one device task, no store task', () => {
    const { engine } = makeEngine();
    const ds = run(engine, store(90).filter((r) => !(r.deviceId === 'cam-3' && r.ts >= at(30))));
    expect(asserts(ds, 'sensor_fault', 'store:store-1')).toEqual([]);
    const cam = asserts(ds, 'sensor_fault', 'device:cam-3');
    expect(cam.map((d) => d.condition.title)).toEqual(['Shelf camera not reporting']);
    // Last scan at 29 min 20 s; silent 10 min, judged at the next whole minute.
    expect(cam[0]!.at).toBe(at(40));
    // Its slots are judged by the scales alone: nothing else happens.
    expect(asserts(ds).filter((d) => d.condition.kind !== 'sensor_fault')).toEqual([]);
  });

  it('a board reported offline by the gateway: its task after 3 min, with the time it dropped', () => {
    const { engine } = makeEngine();
    const readings = steady([weight('slot-1', at(0), 12)], at(10)).concat(store(60).filter((r) => r.deviceId !== 'board-3b'), [status('board-3b', 'weight_board', at(10) + 30_000, false)]);
    const ds = run(engine, readings);
    expect(asserts(ds, 'sensor_fault', 'store:store-1')).toEqual([]);
    const b = asserts(ds, 'sensor_fault', 'device:board-3b');
    expect(b[0]!.at).toBe(at(14));
    expect(b[0]!.condition.reason).toMatch(/went offline at 06:10 UTC \(last will\)/);
  });
});

describe('a controller out of reach', () => {
  // ctl-4 drops at 40 min 5 s and is reached again 10 min later; its log then fills in what it
  // set meanwhile (a door closing at 42.5 min), and the gateway says it is back as of its newest value.
  const down = at(40) + 5000;
  const backAt = at(49) + 6000;
  const readings = (): Reading[] => [
    ...store(70),
    status('ctl-4', 'controller', down, false),
    status('ctl-4', 'controller', backAt, true),
    { id: 'ctl-4:log', storeId: 'store-1', deviceId: 'ctl-4', ts: at(42) + 30_000, kind: 'case.door', caseId: 'case-4', open: false },
  ];
  const controllerTask = (ds: ReturnType<typeof run>) => ({
    raised: asserts(ds, 'sensor_fault', 'device:ctl-4').map((d) => d.at),
    cleared: clears(ds, 'sensor_fault', 'device:ctl-4').map((d) => d.at),
  });

  it('is offline until its status says it is back, not from the first value of its log', () => {
    const { engine } = makeEngine();
    const task = controllerTask(run(engine, readings()));
    expect(task).toEqual({ raised: [at(44)], cleared: [at(50)] });
  });

  it('gives the same task when the log and the status arrive after the rest of the store has moved on', () => {
    const { engine } = makeEngine();
    const all = readings().sort((a, b) => a.ts - b.ts);
    // Live order: the gateway says the controller dropped when it does; what the controller set
    // while out of reach, and its status, come when it is reached again.
    const late = all.filter((r) => r.deviceId === 'ctl-4' && r.ts > down);
    const onTime = all.filter((r) => !late.includes(r));
    const live = [...onTime.filter((r) => r.ts < backAt), ...late, ...onTime.filter((r) => r.ts >= backAt)];
    const ds: ReturnType<typeof run> = [];
    let tick = at(0);
    for (const r of live) {
      for (; tick < r.ts; tick += MIN) ds.push(...engine.onTick(tick));
      ds.push(...engine.onReading(r));
    }
    for (; tick <= at(70); tick += MIN) ds.push(...engine.onTick(tick));
    expect(controllerTask(ds)).toEqual(controllerTask(run(makeEngine().engine, readings())));
  });
});
