import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../src/config-error.js';
import { loadConfig, parseConfig, type ConfigSpec } from '../src/config-loader.js';

const Schema = z
  .object({
    port: z.number().int().min(0).max(65535),
    dataDir: z.string().min(1),
    includes: z.array(z.string()).default([]),
    boards: z.record(z.string(), z.object({ device: z.string() }).strict()).default({}),
    token: z.string().min(8).optional(),
    retries: z.number().int().default(3),
  })
  .strict();
type Config = z.infer<typeof Schema>;

const spec: ConfigSpec<Config> = {
  name: 'test config',
  schema: Schema,
  paths: ['dataDir', 'includes.*', 'boards.*.device', 'absent.path'],
  check: (c) => (c.port === 1 ? { issues: ['port: 1 is reserved'], qualifier: 'in production', hint: 'Pick another port.' } : { issues: [] }),
};

const dir = mkdtempSync(path.join(tmpdir(), 'config-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads JSON, applies the defaults of the schema and resolves the path fields against the file folder', () => {
    const file = write('etc/service.json', JSON.stringify({ port: 80, dataDir: 'data', includes: ['a.json', '/abs/b.json'], boards: { b1: { device: '../dev/tty0' } } }));
    expect(loadConfig(spec, file, {})).toEqual({
      port: 80,
      dataDir: path.join(dir, 'etc/data'),
      includes: [path.join(dir, 'etc/a.json'), '/abs/b.json'],
      boards: { b1: { device: path.join(dir, 'dev/tty0') } },
      retries: 3,
    });
  });

  it('reads YAML from any other file name', () => {
    const file = write('service.yaml', 'port: 81\ndataDir: /var/lib/x\n');
    expect(loadConfig(spec, file, {})).toMatchObject({ port: 81, dataDir: '/var/lib/x', includes: [] });
  });

  it('refuses a file that is not there, with its name', () => {
    const missing = path.join(dir, 'nope.json');
    const error = failure(() => loadConfig(spec, missing, {}));
    expect(error.message.split('\n')[0]).toBe(`cannot read test config ${missing}:`);
    expect(error.issues[0]).toContain('ENOENT');
  });

  it('refuses bad JSON and bad YAML, naming the syntax', () => {
    const json = write('bad.json', '{ "port": 80,');
    expect(failure(() => loadConfig(spec, json, {})).message.split('\n')[0]).toBe(`test config ${json} is not valid JSON:`);
    const yaml = write('bad.yaml', 'port: [80\n');
    expect(failure(() => loadConfig(spec, yaml, {})).message.split('\n')[0]).toBe(`test config ${yaml} is not valid YAML:`);
  });
});

describe('parseConfig', () => {
  it('replaces env:NAME anywhere with the variable', () => {
    const c = parseConfig(spec, { port: 80, dataDir: 'env:DATA_DIR', token: 'env:TOKEN' }, { env: { DATA_DIR: '/srv', TOKEN: 'secret-token' } });
    expect(c).toMatchObject({ dataDir: '/srv', token: 'secret-token' });
  });

  it('reports every problem at once, each at its path: unset variables first, once, then the schema', () => {
    const error = failure(() => parseConfig(spec, { port: 70000, dataDir: 'env:UNSET_DIR', token: 'env:EMPTY', boards: { b1: { device: 3 } }, extra: true }, { source: 'svc.json', env: { EMPTY: '' } }));
    expect(error.message.split('\n')[0]).toBe('invalid test config in svc.json:');
    expect(error.issues).toEqual([
      'dataDir: environment variable UNSET_DIR is not set',
      'token: environment variable EMPTY is not set',
      expect.stringMatching(/^port: /),
      expect.stringMatching(/^boards\.b1\.device: /),
      expect.stringMatching(/^\(root\): .*extra/),
    ]);
    expect(error.message).toContain('\n  - port: ');
  });

  it('runs the cross-field check on the valid config, with its qualifier and hint', () => {
    const error = failure(() => parseConfig(spec, { port: 1, dataDir: 'd' }, { source: 'svc.json' }));
    expect(error.message).toBe('invalid test config in svc.json (in production):\n  - port: 1 is reserved\nPick another port.');
  });

  it('resolves paths against the working directory without a base folder', () => {
    expect(parseConfig(spec, { port: 80, dataDir: 'd' }, { env: {} }).dataDir).toBe(path.resolve('d'));
  });
});
