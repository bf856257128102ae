import net from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

export interface BrokerHandle {
  broker: Aedes;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** An aedes broker on 127.0.0.1, port 0; options pass straight through (auth hooks etc.). */
export async function startAedes(options: AedesOptions = {}): Promise<BrokerHandle> {
  const broker = await Aedes.createBroker(options);
  const server = net.createServer(broker.handle);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    broker,
    port: address.port,
    url: `mqtt://127.0.0.1:${address.port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
