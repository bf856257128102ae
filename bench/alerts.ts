import type { TaskEvent } from '@shelfwatch/contracts';
import { sseMessages } from '@shelfwatch/test-support';
import { percentile } from './stats.js';
import type { MqttLoad } from './load.js';
import type { StoreLoad } from './store-load.js';
import { TOKENS, type Stack } from './stack.js';
import { log } from './log.js';

export interface AlertLatency {
  alerts: number;
  expected: number;
  backgroundMultiple: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Every probe first reads in limit, then reports `open_circuit` (an immediate sensor_fault
 * per the rules); latency = publish of the faulting message → the `raised` event for
 * `probe:<id>` on the SSE stream, with camera background load running meanwhile.
 */
export async function alertLatency(
  stack: Stack,
  ctx: { mqtt: MqttLoad; store: StoreLoad },
  options: { backgroundMultiple: number; faultsPerSec: number },
): Promise<AlertLatency> {
  const load = ctx.mqtt;
  const probes = load.probeIds();
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const abort = new AbortController();
  let allSeen!: () => void;
  const seen = new Promise<void>((resolve) => (allSeen = resolve));
  const res = await fetch(`${stack.backendUrl}/api/v1/alerts/stream?access_token=${TOKENS.ops}`, { signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`SSE ${res.status}`);
  const reading = (async () => {
    try {
      for await (const m of sseMessages(res.body as unknown as AsyncIterable<Uint8Array>)) {
        if (m.event !== 'task') continue;
        const event = JSON.parse(m.data) as TaskEvent;
        if (event.type !== 'raised' || event.task.kind !== 'sensor_fault') continue;
        const probeId = event.task.locationKey.startsWith('probe:') ? event.task.locationKey.slice(6) : null;
        const at = probeId === null ? undefined : sent.get(probeId);
        if (at === undefined) continue;
        latencies.push(performance.now() - at);
        sent.delete(probeId!);
        if (latencies.length === probes.length) allSeen();
      }
    } catch {
      // aborted at the end
    }
  })();
  const stop = { stop: false };
  const background = ctx.store.run(options.backgroundMultiple, 3_600, stop);
  try {
    // Everyone in limits first (50 publishes in flight): the later faults are then changes.
    for (let i = 0; i < probes.length; i += 50) await Promise.all(probes.slice(i, i + 50).map((id) => load.probe(id, { tempC: load.inLimitTempC(id), fault: null })));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    log(`alerts: faulting ${probes.length} probes at ${options.faultsPerSec}/s with ×${options.backgroundMultiple} store load in the background`);
    const gapMs = 1000 / options.faultsPerSec;
    const started = performance.now();
    for (let i = 0; i < probes.length; i++) {
      const wait = started + i * gapMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = probes[i]!;
      sent.set(id, performance.now());
      void load.probe(id, { tempC: null, fault: 'open_circuit' });
    }
    await Promise.race([seen, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  } finally {
    stop.stop = true;
    await background;
    abort.abort();
    await reading;
  }
  log(`alerts: ${latencies.length}/${probes.length} raised events seen`);
  const r = (p: number) => Math.round(percentile(latencies, p));
  return { alerts: latencies.length, expected: probes.length, backgroundMultiple: options.backgroundMultiple, p50: r(50), p95: r(95), p99: r(99) };
}
