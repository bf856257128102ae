import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allDashboards, GRAFANA_PROVISIONING_DIR, renderProvisioning } from '../src/index.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMPOSE = '/usr/bin/docker-compose';
const hasCompose = existsSync(COMPOSE);

if (!hasCompose) console.warn(`docker-compose not found at ${COMPOSE}: install Debian's docker-compose (npm run system-deps) to validate docker-compose.yml`);

/** docker-compose 1.29 prints volumes as "source:target:mode" strings; v2 prints objects. */
function mounts(service: ComposeService | undefined): { source: string; target: string }[] {
  return (service?.volumes ?? []).map((v) => {
    if (typeof v === 'object') return { source: v.source, target: v.target };
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });
}

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  build?: unknown;
  volumes?: ({ source: string; target: string; type: string } | string)[];
  command?: string[];
}

/** The environment without any ShelfWatch secret a developer may have set. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHELFWATCH_')));
/** The placeholders a fresh checkout validates with (the backend refuses them at start). */
const EXAMPLE_ENV = ['--env-file', 'config/compose/example.env'];
const TOKENS = ['SHELFWATCH_GATEWAY_TOKEN', 'SHELFWATCH_STAFF_TOKEN', 'SHELFWATCH_OPERATIONS_TOKEN'];

/** The single store (embedded SQLite) and the chain (PostgreSQL, two replicas behind nginx). */
const FILES = [
  { file: 'docker-compose.yml', services: ['backend', 'firmware-sim', 'gateway', 'grafana', 'influxdb'], backends: ['backend'], secrets: TOKENS },
  {
    file: 'docker-compose.chain.yml',
    services: ['backend-1', 'backend-2', 'firmware-sim', 'gateway', 'grafana', 'influxdb', 'postgres', 'proxy'],
    backends: ['backend-1', 'backend-2'],
    secrets: [...TOKENS, 'SHELFWATCH_POSTGRES_PASSWORD'],
  },
];

const composeConfig = async (file: string) => {
  const { stdout } = await run(COMPOSE, [...EXAMPLE_ENV, '-f', file, 'config'], { cwd: ROOT, env: { ...cleanEnv(), COMPOSE_PROJECT_NAME: 'shelfwatch' } });
  return parseYaml(stdout) as { services: Record<string, ComposeService> };
};

describe.skipIf(!hasCompose).each(FILES)('$file (validated offline by docker-compose 1.29)', ({ file, services: expected, backends, secrets }) => {
  const config = () => composeConfig(file);

  it('validates (config -q exits 0) with the example env file', async () => {
    await expect(run(COMPOSE, [...EXAMPLE_ENV, '-f', file, 'config', '-q'], { cwd: ROOT, env: cleanEnv() })).resolves.toBeDefined();
  });

  it('has no built-in secrets: each missing one stops compose with a message naming it', async () => {
    const text = await readFile(path.join(ROOT, file), 'utf8');
    for (const name of secrets) {
      expect(text, name).not.toMatch(new RegExp(`\\$\\{${name}:?-`));
      const env = { ...cleanEnv(), ...Object.fromEntries(secrets.filter((s) => s !== name).map((s) => [s, 'set-in-this-test'])) };
      const failure = await run(COMPOSE, ['-f', file, 'config', '-q'], { cwd: ROOT, env }).then(
        () => null,
        (err: { stderr: string }) => err.stderr,
      );
      expect(failure, name).toContain(`set ${name}`);
    }
  });

  it('has its services, InfluxDB 1.x, and runs gateway, backend and simulator compiled from the repository', async () => {
    const { services } = await config();
    expect(Object.keys(services).sort()).toEqual(expected);
    expect(services.influxdb?.image).toMatch(/^influxdb:1\./);
    for (const name of ['gateway', ...backends, 'firmware-sim']) {
      expect(services[name]?.build, name).toMatchObject({ dockerfile: 'docker/Dockerfile' });
      // Plain node on the image's compiled output (npm run build): <pkg>/dist/src/x.js comes from <pkg>/src/x.ts.
      const [command, ...args] = services[name]?.command ?? [];
      expect(command, name).toBe('node');
      const entry = args.find((a) => a.endsWith('.js'));
      expect(entry, `${name} runs a compiled entry`).toMatch(/^[\w-]+\/dist\/src\/[\w-]+\.js$/);
      expect(existsSync(path.join(ROOT, entry!.replace('/dist/src/', '/src/').replace(/\.js$/, '.ts'))), `${name} runs ${entry}`).toBe(true);
    }
    expect(existsSync(path.join(ROOT, 'docker/Dockerfile'))).toBe(true);
  });

  it('mounts the generated provisioning where the provider YAML says the dashboards are', async () => {
    const { services } = await config();
    const mount = mounts(services.grafana).find((v) => v.target === GRAFANA_PROVISIONING_DIR);
    expect(mount).toBeDefined();
    const source = mount!.source;
    expect(path.resolve(source)).toBe(path.join(ROOT, 'dashboards/provisioning'));
    const provider = parseYaml(renderProvisioning().get('dashboards/shelfwatch.yaml')!) as { providers: { options: { path: string } }[] };
    const inContainer = provider.providers[0]!.options.path;
    const onHost = path.join(source, path.relative(GRAFANA_PROVISIONING_DIR, inContainer));
    for (const { file } of allDashboards()) expect(existsSync(path.join(onHost, file)), file).toBe(true);
  });

  it('mounts config files that exist', async () => {
    const { services } = await config();
    for (const name of ['gateway', ...backends]) {
      const cfg = mounts(services[name]).find((v) => v.target === '/config');
      expect(cfg, name).toBeDefined();
      expect(existsSync(path.join(cfg!.source, `${name.replace(/-\d+$/, '')}.json`)), `${name}'s config`).toBe(true);
    }
  });
});

describe.skipIf(!hasCompose)('docker-compose.chain.yml: PostgreSQL, two replicas behind one address', () => {
  const chainFile = (name: string) => readFile(path.join(ROOT, 'config/compose-chain', name), 'utf8');

  it('runs both replicas alike on PostgreSQL 15, the database URL from the environment, not the file', async () => {
    const { services } = await composeConfig('docker-compose.chain.yml');
    expect(services.postgres?.image).toMatch(/^postgres:15/);
    const [one, two] = [services['backend-1'], services['backend-2']];
    expect(one?.command).toEqual(two?.command);
    expect(mounts(one)).toEqual(mounts(two));
    for (const replica of [one, two]) expect(replica?.environment?.SHELFWATCH_DATABASE_URL).toMatch(/^postgres:\/\/shelfwatch:[^@]+@postgres:5432\/shelfwatch$/);
    const backend = JSON.parse(await chainFile('backend.json')) as { storage?: { kind: string; url?: string }; dbPath?: string };
    expect(backend.storage).toEqual({ kind: 'postgres' });
    expect(backend.dbPath).toBeUndefined();
  });

  it('puts one address in front of the replicas that passes the SSE feed through unbuffered, and lets the gateway fail over between them', async () => {
    const { services } = await composeConfig('docker-compose.chain.yml');
    expect(services.proxy?.image).toMatch(/^nginx:/);
    expect(mounts(services.proxy).map((m) => path.relative(ROOT, m.source))).toEqual(['config/compose-chain/nginx.conf']);
    const nginx = await chainFile('nginx.conf');
    expect([...nginx.matchAll(/^\s*server (backend-\d):8080\b/gm)].map((m) => m[1])).toEqual(['backend-1', 'backend-2']);
    const feed = /location = \/api\/v1\/alerts\/stream \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(feed).toMatch(/proxy_buffering off;/);
    expect(feed).toMatch(/proxy_read_timeout 1h;/);
    const gateway = JSON.parse(await chainFile('gateway.json')) as { backend: { urls?: string[] } };
    expect(gateway.backend.urls).toEqual(['http://backend-1:8080', 'http://backend-2:8080']);
  });
});
