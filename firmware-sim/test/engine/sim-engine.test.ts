import { createHash } from 'node:crypto';
import { decodeFrame, ProbeMessage, CameraScanMessage } from '@shelfwatch/contracts';
import { describe, expect, it } from 'vitest';
import { SimEngine } from '../../src/engine/sim-engine.js';
import { scenarioFromObject } from '../../src/scenario/load-scenario.js';
import { tinyScenario } from '../fixtures/tiny-scenario.js';

const timeline = [
  { at: 300, type: 'compressor_failure', caseId: 'case-1', forS: 1800 },
  { at: 600, type: 'probe_disconnect', probeId: 'probe-1p', forS: 600 },
  { at: 900, type: 'board_corrupt_frames', boardId: 'board-s1', rate: 0.5, forS: 300 },
  { at: 1200, type: 'controller_offline', controllerId: 'ctl-1', forS: 120 },
];

async function runEngine(seed: number) {
  const scenario = await scenarioFromObject(tinyScenario({ settings: { startTime: '2026-03-02T12:00:00Z', durationS: 3600, demand: { unitsPerSlotPerDay: 100 } }, timeline }));
  const lines: string[] = [];
  const engine = new SimEngine({ scenario, seed, sink: (e) => lines.push(JSON.stringify(e)) });
  const outputs = [];
  while (!engine.done) outputs.push(engine.step());
  return { text: lines.join('\n'), outputs };
}

describe('sim engine', () => {
  it('is deterministic: the same seed gives the same ground truth and the same device messages', async () => {
    const a = await runEngine(11);
    const b = await runEngine(11);
    const c = await runEngine(12);
    const hash = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(hash(a.text)).toBe(hash(b.text));
    expect(hash(JSON.stringify(a.outputs))).toBe(hash(JSON.stringify(b.outputs)));
    expect(hash(a.text)).not.toBe(hash(c.text));
  });

  it('emits valid frames, scans and probe messages stamped with simulated time, and link changes for faults', async () => {
    const { outputs } = await runEngine(5);
    const frames = outputs.flatMap((o) => o.boards.map((b) => ({ ...b, nowMs: o.nowMs })));
    const ok = frames.filter((f) => f.output.kind === 'frame');
    expect(ok.length).toBeGreaterThan(100);
    for (const f of ok) {
      const decoded = f.output.kind === 'frame' ? decodeFrame(f.output.line) : null;
      expect(decoded?.ok && decoded.frame.tsMs).toBe(f.nowMs);
    }
    expect(frames.some((f) => f.output.kind === 'corrupt')).toBe(true);
    for (const o of outputs) {
      for (const s of o.scans) expect(CameraScanMessage.parse(s.message).ts).toBe(o.nowMs);
      for (const p of o.probes) expect(ProbeMessage.parse(p.message).ts).toBe(o.nowMs);
    }
    const links = outputs.flatMap((o) => o.links);
    expect(links).toEqual([
      { kind: 'probe', id: 'probe-1p', up: false },
      { kind: 'probe', id: 'probe-1p', up: true },
      { kind: 'controller', id: 'ctl-1', up: false },
      { kind: 'controller', id: 'ctl-1', up: true },
    ]);
    const offline = outputs.filter((o) => o.nowMs > Date.parse('2026-03-02T12:10:00Z') && o.nowMs <= Date.parse('2026-03-02T12:20:00Z'));
    expect(offline.flatMap((o) => o.probes).filter((p) => p.probeId === 'probe-1p')).toEqual([]);
  });
});
