import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reading } from '@shelfwatch/contracts';
import { scenarioFromObject, SimEngine, type GeneratedLayoutSpec } from '@shelfwatch/firmware-sim';
import { BackendSink } from '@shelfwatch/gateway';
import { repoRoot } from '@shelfwatch/test-support';
import pino from 'pino';
import { gatewayDecoder } from '../scripts/gateway-decoded.js';

export interface PeakHourForwarding {
  /** Local time the counted window starts (the demand curve's busiest hour) and its length. */
  window: { start: string; minutes: number };
  /** What the gateway stores (every reading) and what it forwards to the backend, per second of store time. */
  storedPerSec: number;
  forwardedPerSec: number;
  forwardedByKind: Record<string, number>;
  /** The forwarded readings themselves, in order: the backend's realistic workload. */
  forwarded: Reading[];
}

/** Busiest local hour of the simulator's default shopper demand curve (firmware-sim/src/world/demand.ts). */
const PEAK_HOUR_START = '2026-03-02T18:00:00+01:00';

/**
 * What one store's gateway forwards to the backend during the busiest hour of a trading day:
 * the simulator's large-store scenario (physics, shoppers, firmware deadbands) played at
 * 18:00 without transports, every device output put through the gateway's own decoding
 * (BoardDecoder: calibration, debouncing; mapMessage; caseValueToReading) and the backend
 * sink's forward filter. `warmupMin` lets the filter's per-slot state and the debouncing
 * settle before counting (the first reading of every slot is always forwarded).
 */
export async function peakHourForwarding(spec: GeneratedLayoutSpec, options: { warmupMin: number; windowMin: number }): Promise<PeakHourForwarding> {
  const raw = JSON.parse(await readFile(path.join(repoRoot(import.meta.dirname), 'firmware-sim/scenarios/large-store.json'), 'utf8')) as {
    store: unknown;
    settings: Record<string, unknown>;
    timeline: unknown[];
  };
  const start = new Date(Date.parse(PEAK_HOUR_START) - options.warmupMin * 60_000);
  const scenario = await scenarioFromObject({
    ...raw,
    store: { generate: spec },
    settings: { ...raw.settings, startTime: start.toISOString().replace('Z', '+00:00'), durationS: (options.warmupMin + options.windowMin) * 60 },
    timeline: [],
  });
  const decode = gatewayDecoder(scenario.layout);
  const sink = new BackendSink({ url: 'http://127.0.0.1:9/', token: 'unused', gatewayId: 'bench', logger: pino({ level: 'silent' }) });
  sink.init();
  const engine = new SimEngine({ scenario, seed: 1, sink: () => undefined });
  const countFrom = Date.parse(PEAK_HOUR_START);
  const forwarded: Reading[] = [];
  let stored = 0;
  while (!engine.done) {
    const out = engine.step();
    const readings = decode(out);
    const counting = out.nowMs >= countFrom;
    for (const r of readings) {
      if (!sink.accepts(r) || !counting) continue;
      forwarded.push(r);
    }
    if (counting) stored += readings.length;
  }
  const seconds = options.windowMin * 60;
  const byKind: Record<string, number> = {};
  for (const r of forwarded) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  return {
    window: { start: PEAK_HOUR_START, minutes: options.windowMin },
    storedPerSec: Math.round(stored / seconds),
    forwardedPerSec: Math.round(forwarded.length / seconds),
    forwardedByKind: Object.fromEntries(Object.entries(byKind).map(([k, n]) => [k, Math.round((n / seconds) * 10) / 10])),
    forwarded,
  };
}
