import { describe, expect, it } from 'vitest';
import { startStack, type StackOptions } from '../src/stack.js';
import { TEST_GATEWAY_TOKEN, testCredentials, testLayout } from '../src/test-store.js';

const options: StackOptions = {
  layout: testLayout(),
  credentials: testCredentials(),
  gatewayId: 'gw-1',
  gatewayToken: TEST_GATEWAY_TOKEN,
  backend: (base) => ({ ...base, tokens: [{ token: TEST_GATEWAY_TOKEN, role: 'device', subject: 'gw-1' }] }),
  gateway: (base) => base,
};

const gone = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return false;
  } catch {
    return true;
  }
};

describe('startStack', () => {
  it('starts influxd, the backend and the gateway wired to each other, and stops all three', async () => {
    const stack = await startStack(options);
    const pids = [stack.backend?.proc.child.pid, stack.gateway?.proc.child.pid];
    try {
      const health = (await (await fetch(`${stack.gatewayUrl}/healthz`)).json()) as { ok: boolean };
      expect(health.ok).toBe(true);
      expect((await fetch(`${stack.backendUrl}/healthz`)).status).toBe(200);
      expect(stack.influxd?.running()).toBe(true);
    } finally {
      await stack.stop();
    }
    expect(pids.every(gone)).toBe(true);
    expect(stack.influxd?.running()).toBe(false);
  }, 120_000);

  it('a gateway that cannot start leaves nothing running: the backend and influxd are stopped', async () => {
    let seen: { backendUrl: string; influxUrl: string } | undefined;
    const failing = startStack({
      ...options,
      // A config the gateway refuses (no gateway id): it exits before its ready line.
      gateway: (base, files) => {
        seen = { backendUrl: files.backendUrl, influxUrl: files.influxUrl };
        return { ...base, gatewayId: '' };
      },
    });
    await expect(failing).rejects.toThrow(/gateway exited/);
    const answers = (url: string) => fetch(url).then(() => true, () => false);
    expect(seen?.backendUrl).toMatch(/^http:/);
    expect(await answers(`${seen!.backendUrl}/healthz`)).toBe(false);
    expect(await answers(`${seen!.influxUrl}/ping`)).toBe(false);
  }, 120_000);
});
