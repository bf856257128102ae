import { setTimeout as sleep } from 'node:timers/promises';
import { countSensorPoints } from '../scripts/demo/influx-count.js';
import type { StoreLoad } from './store-load.js';
import { outboxPending, type Stack } from './stack.js';
import { log } from './log.js';

export interface IngestStep {
  /** Multiple of the store's nominal load. */
  multiple: number;
  offeredPerSec: number;
  ackedPerSec: number;
  /** Readings published ÷ (first publish → last point queryable in InfluxDB). */
  endToEndPerSec: number;
  /** Seconds after the last publish until every point was queryable. */
  lagS: number;
  sustained: boolean;
}

/** Points of what the store load sends (weights and camera slots; the controllers report on their own). */
async function points(stack: Stack): Promise<number> {
  const { byKind } = await countSensorPoints(stack.files.influxUrl);
  return byKind.serial + byKind.camera;
}

/** Waits until InfluxDB holds `target` sensor points; returns the time reached, or null on timeout. */
async function pointsReach(stack: Stack, target: number, timeoutMs: number): Promise<number | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await points(stack)) >= target) return performance.now();
    await sleep(250);
  }
  return null;
}

export async function drained(stack: Stack, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const pending = Object.values(await outboxPending(stack.gatewayUrl));
    if (pending.length > 0 && pending.every((n) => n === 0)) return true;
    await sleep(250);
  }
  return false;
}

/**
 * Offers increasing loads for `stepS` each; a step is sustained when the broker acknowledged
 * ≥ 95 % of what was offered and every point was queryable within 1 s of the last publish
 * (no backlog building up).
 * Stops at the first step that is not.
 */
export async function ingestSteps(stack: Stack, load: StoreLoad, multiples: number[], stepS: number, afterStep?: (step: IngestStep) => Promise<void>): Promise<IngestStep[]> {
  const steps: IngestStep[] = [];
  let base = await points(stack);
  for (const multiple of multiples) {
    const rate = Math.round(multiple * load.nominalPerSec());
    const started = performance.now();
    const acked = await load.run(multiple, stepS);
    const lastPublish = performance.now();
    const reached = await pointsReach(stack, base + acked, 30_000);
    const done = reached ?? performance.now();
    const step: IngestStep = {
      multiple,
      offeredPerSec: rate,
      ackedPerSec: Math.round(acked / ((lastPublish - started) / 1000)),
      endToEndPerSec: Math.round(acked / ((done - started) / 1000)),
      lagS: Math.round((done - lastPublish) / 100) / 10,
      sustained: reached !== null && acked >= 0.95 * rate * stepS && done - lastPublish <= 1_000,
    };
    steps.push(step);
    log(`ingest step ×${multiple} (${rate}/s offered): acked ${step.ackedPerSec}/s, end to end ${step.endToEndPerSec}/s, lag ${step.lagS} s${step.sustained ? '' : ' — saturated'}`);
    if (!(await drained(stack, 90_000))) log('outbox did not drain within 90 s');
    await afterStep?.(step);
    base = await points(stack);
    if (!step.sustained) break;
  }
  return steps;
}

export interface CatchUp {
  multiple: number;
  loadPerSec: number;
  outageS: number;
  drainSeconds: number | null;
  published: number;
  counted: number;
  /** published − counted once every outbox emptied; null when they did not empty in time (then nothing is known lost: see queuedAtEnd). */
  lost: number | null;
  /** Readings still in the gateway's outbox when the bench stopped waiting. */
  queuedAtEnd: number;
}

/**
 * influxd stopped for `outageS` under load, then restarted with the load still running:
 * drainSeconds is restart → the InfluxDB sink's backlog is back to under one second of load.
 * Then the load stops, every outbox empties, and lost = published − points counted.
 */
export async function catchUp(stack: Stack, load: StoreLoad, multiple: number, outageS: number): Promise<CatchUp> {
  const rate = Math.round(multiple * load.nominalPerSec());
  const before = await points(stack);
  let published = 0;
  published += await load.run(multiple, 10);
  log(`catch-up: stopping influxd for ${outageS} s at ${rate} readings/s`);
  await stack.stopInfluxd();
  published += await load.run(multiple, outageS);
  await stack.startInfluxd();
  const restarted = performance.now();
  const stop = { stop: false };
  const running = load.run(multiple, 180, stop);
  let drainSeconds: number | null = null;
  try {
    while (performance.now() - restarted < 150_000) {
      const pending = await outboxPending(stack.gatewayUrl);
      const influxBacklog = Object.entries(pending).find(([sink]) => sink.toLowerCase().includes('influx'))?.[1] ?? Math.max(...Object.values(pending));
      if (influxBacklog <= rate) {
        drainSeconds = Math.round((performance.now() - restarted) / 100) / 10;
        break;
      }
      await sleep(250);
    }
  } finally {
    stop.stop = true;
    published += await running;
  }
  const emptied = await drained(stack, 120_000);
  if (!emptied) log('catch-up: outbox did not empty within 120 s');
  await pointsReach(stack, before + published, 15_000);
  const counted = (await points(stack)) - before;
  const queuedAtEnd = emptied ? 0 : Math.max(0, ...Object.values(await outboxPending(stack.gatewayUrl)));
  log(`catch-up: backlog drained ${drainSeconds ?? 'n/a'} s after the restart; published ${published}, counted ${counted}, still queued ${queuedAtEnd}`);
  return { multiple, loadPerSec: rate, outageS, drainSeconds, published, counted, lost: emptied ? published - counted : null, queuedAtEnd };
}
