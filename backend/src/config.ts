import { readFile } from 'node:fs/promises';
import { EventTimeBound, Role, SupplierId, TaskKind, StoreId } from '@shelfwatch/contracts';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Secrets (bearer tokens, webhook secrets) may be written as `env:NAME` in the config
 * file: the value is then read from the environment variable NAME at load time, so the
 * file itself can be committed or shared without secrets.
 */
export const TokenConfig = z
  .object({
    token: z.string().min(16, 'tokens must be at least 16 characters'),
    role: Role,
    /** Who acts: staff member id, supplier id (must match a supplier), gateway id. */
    subject: z.string().min(1).max(120),
    /** Restricts the token to these stores; absent = all stores. */
    storeIds: z.array(StoreId).optional(),
  })
  .strict();
export type TokenConfig = z.infer<typeof TokenConfig>;

export const SupplierEndpoint = z
  .object({
    webhookUrl: z.url(),
    webhookSecret: z.string().startsWith('whsec_', 'webhook secrets are Standard Webhooks secrets: whsec_<base64>'),
  })
  .strict();

const ColdChainLimitsOverride = z
  .object({
    productLimitC: z.number().min(-40).max(15),
    alarmCeilingC: z.number().min(-40).max(20),
    alarmDelayMin: z.number().min(0).max(24 * 60),
    defrostRecoveryMin: z.number().min(0).max(240),
    doorRecoveryMin: z.number().min(0).max(240),
    doorAjarMin: z.number().min(0).max(240),
    clearHysteresisC: z.number().min(0).max(10),
  })
  .partial()
  .strict();

export const BackendConfig = z
  .object({
    http: z.object({ host: z.string().optional(), port: z.number().int().min(0).max(65535) }).strict(),
    dbPath: z.string().min(1),
    layoutFiles: z.array(z.string().min(1)).default([]),
    tokens: z.array(TokenConfig).default([]),
    suppliers: z.record(SupplierId, SupplierEndpoint).default({}),
    influx: z.object({ url: z.url(), database: z.string().min(1).optional() }).strict().optional(),
    /** Minutes an open task may stay unacknowledged before it escalates, per kind. */
    escalation: z.partialRecord(TaskKind, z.number().positive()).optional(),
    /** Static staff web app (built by backend/web); served at / when the folder exists. */
    webDir: z.string().optional(),
    /** Overrides of the rules' cold-chain limits per case category (e.g. a legal ceiling other than 8 °C). */
    limits: z
      .object({ chilled: ColdChainLimitsOverride.optional(), frozen: ColdChainLimitsOverride.optional() })
      .strict()
      .optional(),
    /** Hours of readings kept for replaying rule state at start (default 26). */
    replayHours: z.number().positive().max(24 * 14).optional(),
    /**
     * Bound on readings' event time against this backend's clock (defaults: 5 min ahead, 47 h
     * old). Readings outside it are refused (422) at ingest. Reading ids are remembered for at
     * least maxAheadMs + maxAgeMs, so whatever is accepted is also deduplicated.
     */
    eventTime: EventTimeBound.partial().strict().optional(),
  })
  .strict();
export type BackendConfig = z.infer<typeof BackendConfig>;
export type BackendConfigInput = z.input<typeof BackendConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function resolveEnv(value: unknown, path: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice(4);
    const resolved = env[name];
    if (resolved === undefined || resolved === '') throw new ConfigError(`${path}: environment variable ${name} is not set`);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnv(v, `${path}[${i}]`, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v, `${path}.${k}`, env)]));
  }
  return value;
}

/** Validates a config object (already parsed), resolving `env:NAME` values; every problem is reported at once. */
export function parseBackendConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const result = BackendConfig.safeParse(resolveEnv(raw, 'config', env));
  if (!result.success) throw new ConfigError(`invalid backend config:\n${z.prettifyError(result.error)}`);
  const tokens = new Set<string>();
  for (const t of result.data.tokens) {
    if (tokens.has(t.token)) throw new ConfigError(`invalid backend config: a token is listed twice (subject ${t.subject})`);
    tokens.add(t.token);
  }
  return result.data;
}

/** Reads a JSON or YAML config file. */
export async function loadBackendConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<BackendConfig> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseBackendConfig(raw, env);
}
