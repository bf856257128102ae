import { startOpcuaServer, type OpcuaServerHandle } from '@shelfwatch/firmware-sim/transports';
import { freePort } from '@shelfwatch/test-support/ports';
import { makeTempDir, type TempDir } from '@shelfwatch/test-support/temp-dir';
import { waitUntil } from '@shelfwatch/test-support/wait';
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, parseGatewayConfig, type GatewayConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { thumbprintOf } from '../src/inputs/opcua/certificates.js';
import { addToTrustList } from '../src/inputs/opcua/trust-list.js';
import { CaseControllerFixture } from './fixtures/case-controller.js';
import { writeGatewayFiles } from './fixtures/store.js';

type ControllerHealth = { controllers: Record<string, { online: boolean }> };
const online = (g: Gateway) => (g.health().inputs as Record<string, { details: ControllerHealth }>).opcua!.details.controllers['ctrl-1']!.online;

/**
 * A case controller (or something at its address) that records every password it is
 * given. Only secure endpoints unless `insecure`: a hardened controller offers no None.
 */
async function controllerAt(dir: string, name: string, insecure = false): Promise<{ server: OpcuaServerHandle; passwordsSeen: string[] }> {
  const passwordsSeen: string[] = [];
  const users = new Proxy<Record<string, string>>({ 'ctrl-1': 'ctrl-1-secret' }, {
    get(target, user) {
      if (typeof user === 'string') passwordsSeen.push(user);
      return Reflect.get(target, user) as string | undefined;
    },
  });
  const server = await startOpcuaServer({
    configure: new CaseControllerFixture({ controllerId: 'ctrl-1', caseId: 'case-1' }).configure,
    pkiDir: `${dir}/${name}`,
    users,
    ...(insecure ? {} : { securityModes: [MessageSecurityMode.SignAndEncrypt], securityPolicies: [SecurityPolicy.Basic256Sha256] }),
  });
  return { server, passwordsSeen };
}

describe('OPC UA security: sign & encrypt, trust list, pinning', () => {
  let dir: TempDir;
  let base: GatewayConfig;
  let gateway: Gateway | undefined;
  const servers: OpcuaServerHandle[] = [];
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    dir = await makeTempDir('gw-opcua-security');
    const file = await writeGatewayFiles(dir.path, { influxUrl: `http://127.0.0.1:${await freePort()}`, backendUrl: `http://127.0.0.1:${await freePort()}` });
    base = loadGatewayConfig(file);
  });

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await dir?.remove();
  });

  const start = async (name: string, controller: Record<string, unknown>, opcua: Partial<NonNullable<GatewayConfig['opcua']>> = {}) => {
    gateway = await startGateway({ ...base, outbox: { path: `${dir.path}/${name}.db` }, opcua: { ...base.opcua!, pkiDir: `${dir.path}/${name}-pki`, ...opcua, controllers: { 'ctrl-1': controller as { endpointUrl: string } } } }, { logger });
    return gateway;
  };

  it('refuses a controller whose certificate it does not trust: no session, the password never sent, counted', async () => {
    const fake = await controllerAt(dir.path, 'fake');
    servers.push(fake.server);
    const g = await start('untrusted', { endpointUrl: fake.server.endpointUrl });
    await waitUntil(() => (g.stats().rejected['opcua:certificate_untrusted'] ?? 0) >= 2, { what: 'refused connection attempts', timeoutMs: 60_000 });
    expect(fake.passwordsSeen).toEqual([]);
    expect(online(g)).toBe(false);
    const metrics = await (await fetch(`${g.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/shelfwatch_gateway_rejects_total\{input="opcua",reason="certificate_untrusted"\} \d+/);
  });

  it('talks sign & encrypt (Basic256Sha256) to a controller whose certificate is in its trust list', async () => {
    const real = await controllerAt(dir.path, 'trusted');
    servers.push(real.server);
    await addToTrustList(`${dir.path}/trusted-list-pki`, 'ctrl-1', real.server.certificate());
    const g = await start('trusted-list', { endpointUrl: real.server.endpointUrl });
    await waitUntil(() => online(g), { what: 'controller online over a secure channel', timeoutMs: 60_000 });
    expect(real.passwordsSeen).toContain('ctrl-1');
    expect(g.stats().rejected['opcua:certificate_untrusted']).toBeUndefined();
  });

  it('with a pinned thumbprint, accepts exactly that certificate and refuses another, even one in the trust list', async () => {
    const pinned = await controllerAt(dir.path, 'pinned');
    servers.push(pinned.server);
    // As OPC UA tools print it (AB:CD:...); the config accepts that form too.
    const printed = thumbprintOf(pinned.server.certificate()).replace(/(..)(?!$)/g, '$1:').toUpperCase();
    const parsed = parseGatewayConfig({ ...base, opcua: { ...base.opcua, controllers: { 'ctrl-1': { endpointUrl: pinned.server.endpointUrl, certificateThumbprint: printed } } } }, { baseDir: dir.path });
    const g = await start('pin-ok', parsed.opcua!.controllers['ctrl-1']!);
    await waitUntil(() => online(g), { what: 'pinned controller online', timeoutMs: 60_000 });
    await g.close();
    gateway = undefined;
    const other = await controllerAt(dir.path, 'other');
    servers.push(other.server);
    await addToTrustList(`${dir.path}/pin-other-pki`, 'ctrl-1', other.server.certificate());
    const g2 = await start('pin-other', { endpointUrl: other.server.endpointUrl, certificateThumbprint: thumbprintOf(pinned.server.certificate()) });
    await waitUntil(() => (g2.stats().rejected['opcua:certificate_untrusted'] ?? 0) >= 1, { what: 'refusal of the unpinned certificate', timeoutMs: 60_000 });
    expect(other.passwordsSeen).toEqual([]);
  });

  it('speaks SecurityPolicy None only when the config says allowInsecure', async () => {
    expect(() => parseGatewayConfig({ ...base, opcua: { ...base.opcua, securityPolicy: 'None' } }, { baseDir: dir.path })).toThrow(/allowInsecure/);
    const plain = await controllerAt(dir.path, 'plain', true);
    servers.push(plain.server);
    const g = await start('insecure', { endpointUrl: plain.server.endpointUrl }, { securityPolicy: 'None', allowInsecure: true });
    await waitUntil(() => online(g), { what: 'controller online without security', timeoutMs: 60_000 });
  });
});
