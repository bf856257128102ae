import { startInfluxd } from '@shelfwatch/test-support';

/**
 * The raw write ceiling of this machine's influxd: line-protocol batches of 5,000 points
 * posted directly over HTTP, two in flight (what the gateway's sink does at best). The
 * end-to-end ingest figure is reported as a ratio of this.
 */
export async function influxCeiling(options: { points?: number; batch?: number; inFlight?: number } = {}): Promise<number> {
  const { points = 300_000, batch = 5_000, inFlight = 2 } = options;
  const influx = await startInfluxd();
  try {
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE bench')}`, { method: 'POST' });
    const t0 = 1_700_000_000_000;
    const bodies: string[] = [];
    for (let start = 0; start < points; start += batch) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(points, start + batch); i++) {
        // Same shape as the gateway's shelf_weight points: 5,000 slot series.
        const slot = i % 5000;
        lines.push(
          `shelf_weight,store=bench,shelf=sh${slot % 250},slot=s${slot},sku=SKU${slot % 800},device=b${slot % 250} raw_counts=${8000 + (i % 97)}i,grams=${i % 500}.5,units=${i % 20}i,stable=true,fault="" ${t0 + i}`,
        );
      }
      bodies.push(lines.join('\n'));
    }
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(`${influx.url}/write?db=bench&precision=ms`, { method: 'POST', body });
        if (res.status !== 204) throw new Error(`influx write ${res.status}: ${await res.text()}`);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return points / ((performance.now() - started) / 1000);
  } finally {
    await influx.destroy();
  }
}
