import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort, makeTempDir, spawnManaged, startAedes, waitUntil } from '@shelfwatch/test-support';

/**
 * The embedded aedes broker against Debian's mosquitto under the same client load:
 * `publishers` clients each publish `perPublisher` 120-byte messages with a bounded
 * window in flight, one subscriber receives them all; messages/s = received / elapsed.
 */
export interface BrokerLoad {
  publishers: number;
  perPublisher: number;
  window: number;
  qos: 0 | 1;
}

export const MOSQUITTO_BINARY = '/usr/sbin/mosquitto';

async function runLoad(url: string, load: BrokerLoad): Promise<number> {
  const total = load.publishers * load.perPublisher;
  const payload = Buffer.alloc(120, 'x');
  const subscriber = await mqtt.connectAsync(url, { clientId: `bench-sub-${Date.now()}`, reconnectPeriod: 0 });
  let received = 0;
  let finish!: () => void;
  const allReceived = new Promise<void>((resolve) => (finish = resolve));
  subscriber.on('message', () => {
    if (++received === total) finish();
  });
  await subscriber.subscribeAsync('bench/#', { qos: load.qos });
  const publishers = await Promise.all(
    Array.from({ length: load.publishers }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-pub-${i}-${Date.now()}`, reconnectPeriod: 0 })),
  );
  const started = performance.now();
  await Promise.all(
    publishers.map(async (client, p) => {
      let sent = 0;
      const lane = async () => {
        while (sent < load.perPublisher) {
          sent++;
          await client.publishAsync(`bench/${p}`, payload, { qos: load.qos });
        }
      };
      await Promise.all(Array.from({ length: load.window }, lane));
    }),
  );
  await allReceived;
  const rate = total / ((performance.now() - started) / 1000);
  await Promise.all([...publishers, subscriber].map((c) => c.endAsync()));
  return rate;
}

export async function benchAedes(load: BrokerLoad): Promise<number> {
  const broker = await startAedes();
  try {
    return await runLoad(broker.url, load);
  } finally {
    await broker.close();
  }
}

export async function benchMosquitto(load: BrokerLoad): Promise<number | null> {
  if (!existsSync(MOSQUITTO_BINARY)) return null;
  const dir = await makeTempDir('mosquitto');
  const port = await freePort();
  const conf = path.join(dir.path, 'mosquitto.conf');
  await writeFile(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 100\nmax_queued_messages 100000\nlog_dest none\n`);
  const proc = spawnManaged(MOSQUITTO_BINARY, ['-c', conf]);
  try {
    await waitUntil(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        }),
      { what: 'mosquitto to listen', timeoutMs: 10_000 },
    );
    return await runLoad(`mqtt://127.0.0.1:${port}`, load);
  } finally {
    await proc.stop();
    await dir.remove();
  }
}
