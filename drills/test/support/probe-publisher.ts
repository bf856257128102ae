import { deviceTopic } from '@shelfwatch/contracts';
import { setTimeout as delay } from 'node:timers/promises';
import mqtt from 'mqtt';
import { TEST_STORE_ID as STORE_ID } from '@shelfwatch/test-support';

export const PASSWORDS: Record<string, string> = { 'probe-1': 'probe-1-secret', 'probe-2': 'probe-2-secret' };

/**
 * A probe that keeps what the gateway has not acknowledged (PUBACK) and sends it again on
 * the next connection: the device side of "nothing acknowledged is lost".
 */
export class ProbePublisher {
  readonly acked = new Set<number>();
  private readonly waiters: { n: number; resolve: () => void }[] = [];

  constructor(
    private readonly options: { deviceId: string; ts0: number; stepMs?: number; tempC?: (seq: number) => number },
  ) {}

  payload(seq: number): string {
    const tempC = this.options.tempC?.(seq) ?? 3 + (seq % 10) / 10;
    return JSON.stringify({ seq, ts: this.options.ts0 + seq * (this.options.stepMs ?? 1000), tempC, batteryPct: 80, rssiDbm: -60 });
  }

  /** Resolves once n readings in total have been acknowledged. */
  whenAcked(n: number): Promise<void> {
    if (this.acked.size >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /**
   * One connection: publishes every seq in [0, count) not yet acknowledged, `window` in flight.
   * Ends when all are acknowledged or the connection is lost (the caller runs another round).
   */
  async round(port: number, count: number, window = 100): Promise<void> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: this.options.deviceId,
      password: PASSWORDS[this.options.deviceId] ?? '',
      clientId: this.options.deviceId,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    // Force-ending flushes the callbacks of publishes that will never be acknowledged.
    client.on('close', () => void client.endAsync(true));
    const topic = deviceTopic(STORE_ID, this.options.deviceId, 'probe');
    const todo = Array.from({ length: count }, (_, seq) => seq).filter((seq) => !this.acked.has(seq));
    for (let i = 0; i < todo.length && client.connected; i += window) {
      await Promise.allSettled(
        todo.slice(i, i + window).map((seq) =>
          client.publishAsync(topic, this.payload(seq), { qos: 1 }).then(() => {
            this.acked.add(seq);
            for (const w of this.waiters.filter((x) => this.acked.size >= x.n)) {
              this.waiters.splice(this.waiters.indexOf(w), 1);
              w.resolve();
            }
          }),
        ),
      );
    }
    await client.endAsync(true);
  }

  /** Rounds until everything is acknowledged (a refused connection while the gateway restarts counts as a round). */
  async sendAll(port: () => number, count: number): Promise<void> {
    while (this.acked.size < count) {
      // A device's reconnect period: the broker may be restarting.
      await this.round(port(), count).catch(() => delay(100));
    }
  }
}
