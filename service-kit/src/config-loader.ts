import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError, configPath } from './config-error.js';

/** What a cross-field check found on a config the schema accepted. */
export interface ConfigCheck {
  /** One line per problem, led by the path of the setting. */
  issues: string[];
  /** Said in the first line after the file: "invalid backend config in x.yaml (not in demo mode):". */
  qualifier?: string;
  /** A closing line on how to fix it. */
  hint?: string;
}

/** A service's configuration file: its schema (defaults included) and what the kit does around it. */
export interface ConfigSpec<T> {
  /** How messages name it: "gateway configuration", "store layout". */
  name: string;
  schema: z.ZodType<T>;
  /**
   * Fields holding file paths, resolved against the config file's folder: "outbox.path",
   * "layoutFiles.*", "serial.boards.*.path" ("*" is every item of an array or entry of a record).
   * A field that is absent is left so.
   */
  paths?: readonly string[];
  /** Checks across fields, on the valid config with its paths resolved. */
  check?: (config: T) => ConfigCheck;
}

export interface ConfigSource {
  /** The config file's folder, for the `paths` of the spec (default: the working directory). */
  baseDir?: string;
  /** Names the file in messages. */
  source?: string;
  /** Where `env:NAME` values come from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Validates an already parsed config object. Any string `env:NAME` in it is replaced by the
 * environment variable NAME first, so secrets stay out of files that are committed or shared.
 * Every problem (unset variables, schema issues, then the spec's own checks) is reported at
 * once, one line per setting, in one ConfigError.
 */
export function parseConfig<T>(spec: ConfigSpec<T>, raw: unknown, source: ConfigSource = {}): T {
  const header = (qualifier?: string) => `invalid ${spec.name}${source.source ? ` in ${source.source}` : ''}${qualifier ? ` (${qualifier})` : ''}:`;
  const unset = new Map<string, string>();
  const result = spec.schema.safeParse(resolveEnv(raw, [], source.env ?? process.env, unset));
  const issues = [...unset].map(([at, name]) => `${at}: environment variable ${name} is not set`);
  if (!result.success) {
    // An unset variable leaves its setting empty: the schema's complaint there says nothing new.
    for (const issue of result.error.issues) {
      const at = configPath(issue.path);
      if (!unset.has(at)) issues.push(`${at}: ${issue.message}`);
    }
  }
  if (!result.success || issues.length > 0) throw new ConfigError(header(), issues);
  const baseDir = source.baseDir ?? '.';
  const config = (spec.paths ?? []).reduce<unknown>((value, field) => resolvePathField(value, field.split('.'), baseDir), result.data) as T;
  const check = spec.check?.(config);
  if (check && check.issues.length > 0) throw new ConfigError(header(check.qualifier), check.issues, check.hint);
  return config;
}

/** Reads a JSON (`.json`) or YAML (any other name) file; a missing file or bad syntax is a ConfigError. */
export function readConfigFile(file: string, name: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${name} ${file}:`, [(err as Error).message]);
  }
  const json = file.endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${name} ${file} is not valid ${json ? 'JSON' : 'YAML'}:`, [(err as Error).message]);
  }
}

/** Reads and validates a config file; relative paths in it are relative to its folder. */
export function loadConfig<T>(spec: ConfigSpec<T>, file: string, env: NodeJS.ProcessEnv = process.env): T {
  return parseConfig(spec, readConfigFile(file, spec.name), { baseDir: path.dirname(path.resolve(file)), source: file, env });
}

function resolveEnv(value: unknown, at: PropertyKey[], env: NodeJS.ProcessEnv, unset: Map<string, string>): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice('env:'.length);
    const resolved = env[name];
    if (resolved === undefined || resolved === '') unset.set(configPath(at), name);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnv(v, [...at, i], env, unset));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v, [...at, k], env, unset)]));
  return value;
}

function resolvePathField(value: unknown, keys: readonly string[], baseDir: string): unknown {
  const [key, ...rest] = keys;
  if (key === undefined) return typeof value === 'string' ? path.resolve(baseDir, value) : value;
  if (Array.isArray(value)) return key === '*' ? value.map((item) => resolvePathField(item, rest, baseDir)) : value;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (key === '*') return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolvePathField(v, rest, baseDir)]));
  return record[key] === undefined ? value : { ...record, [key]: resolvePathField(record[key], rest, baseDir) };
}
