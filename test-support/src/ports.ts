import net from 'node:net';

/**
 * A port the OS says is free right now. For servers that cannot listen on port 0 and
 * report back (influxd, node-opcua). The tiny race with another process is accepted:
 * callers that can listen on 0 should.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port assigned'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
