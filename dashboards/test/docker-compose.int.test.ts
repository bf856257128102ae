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
  build?: unknown;
  volumes?: ({ source: string; target: string; type: string } | string)[];
  command?: string[];
}

/** The environment without any ShelfWatch secret a developer may have set. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHELFWATCH_')));
/** The placeholders a fresh checkout validates with (the backend refuses them at start). */
const EXAMPLE_ENV = ['--env-file', 'config/compose/example.env'];
const SECRETS = ['SHELFWATCH_GATEWAY_TOKEN', 'SHELFWATCH_STAFF_TOKEN', 'SHELFWATCH_OPERATIONS_TOKEN'];

describe.skipIf(!hasCompose)('docker-compose.yml (validated offline by docker-compose 1.29)', () => {
  const config = async () => {
    const { stdout } = await run(COMPOSE, [...EXAMPLE_ENV, '-f', 'docker-compose.yml', 'config'], { cwd: ROOT, env: { ...cleanEnv(), COMPOSE_PROJECT_NAME: 'shelfwatch' } });
    return parseYaml(stdout) as { services: Record<string, ComposeService> };
  };

  it('validates (config -q exits 0) with the example env file', async () => {
    await expect(run(COMPOSE, [...EXAMPLE_ENV, '-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, env: cleanEnv() })).resolves.toBeDefined();
  });

  it('has no built-in secrets: each missing one stops compose with a message naming it', async () => {
    const text = await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const name of SECRETS) {
      expect(text, name).not.toMatch(new RegExp(`\\$\\{${name}:?-`));
      const env = { ...cleanEnv(), ...Object.fromEntries(SECRETS.filter((s) => s !== name).map((s) => [s, 'set-in-this-test'])) };
      const failure = await run(COMPOSE, ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, env }).then(
        () => null,
        (err: { stderr: string }) => err.stderr,
      );
      expect(failure, name).toContain(`set ${name}`);
    }
  });

  it('has the five services, InfluxDB 1.x, and runs gateway, backend and simulator compiled from the repository', async () => {
    const { services } = await config();
    expect(Object.keys(services).sort()).toEqual(['backend', 'firmware-sim', 'gateway', 'grafana', 'influxdb']);
    expect(services.influxdb?.image).toMatch(/^influxdb:1\./);
    for (const name of ['gateway', 'backend', 'firmware-sim']) {
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
    for (const name of ['gateway', 'backend']) {
      const cfg = mounts(services[name]).find((v) => v.target === '/config');
      expect(cfg, name).toBeDefined();
      expect(existsSync(path.join(cfg!.source, `${name}.json`)), `${name}.json`).toBe(true);
    }
  });
});
