import { EventTimeBound, Role, SupplierId, TaskKind, StoreId } from '@shelfwatch/contracts';
import { loadConfig, parseConfig, type ConfigCheck, type ConfigSource, type ConfigSpec } from '@shelfwatch/service-kit';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ColdChainLimits } from './rules/limits-schema.js';
import { hashToken, isPublishedSecret, TOKEN_HASH_PATTERN, tokenWeakness } from './token-policy.js';
import { DestinationPolicy } from './webhooks/destination-policy.js';

/**
 * Secrets (bearer tokens, webhook secrets) may be written as `env:NAME` in the config
 * file: the value is then read from the environment variable NAME at load time, so the
 * file itself can be committed or shared without secrets.
 */
export const TokenConfig = z
  .object({
    /** The bearer token itself (or `env:NAME`); outside demo mode it must be strong (token-policy.ts). */
    token: z.string().min(16, 'tokens must be at least 16 characters').max(512).optional(),
    /** Or only its hash, "sha256:<hex>", as `npm run token -w @shelfwatch/backend` prints it. */
    tokenHash: z.string().regex(TOKEN_HASH_PATTERN, 'must be sha256:<64 lowercase hex digits>').optional(),
    role: Role,
    /** Who acts: staff member id, supplier id (must match a supplier), gateway id. */
    subject: z.string().min(1).max(120),
    /** Restricts the token to these stores; absent = all stores. */
    storeIds: z.array(StoreId).max(10_000).optional(),
  })
  .strict()
  .refine((t) => (t.token === undefined) !== (t.tokenHash === undefined), { message: 'give either token or tokenHash', path: ['token'] });
export type TokenConfig = z.infer<typeof TokenConfig>;

/** The digest a bearer token is looked up by: sha256 of the token, whichever form the config holds. */
export function tokenDigest(t: TokenConfig): string {
  return t.tokenHash ?? hashToken(t.token ?? '');
}

/** Standard Webhooks secrets: whsec_ + base64 of at least 24 random bytes (192 bits). */
const MIN_WEBHOOK_SECRET_BYTES = 24;

export const WebhookSecret = z
  .string()
  .max(200)
  .superRefine((secret, ctx) => {
    const body = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : null;
    if (body === null) ctx.addIssue({ code: 'custom', message: 'webhook secrets are Standard Webhooks secrets: whsec_<base64>' });
    else if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body) || body === '') ctx.addIssue({ code: 'custom', message: 'the part after whsec_ is not base64' });
    else if (Buffer.from(body, 'base64').length < MIN_WEBHOOK_SECRET_BYTES) ctx.addIssue({ code: 'custom', message: `a webhook secret must hold at least ${MIN_WEBHOOK_SECRET_BYTES} bytes (whsec_ + ${Math.ceil(MIN_WEBHOOK_SECRET_BYTES / 3) * 4} base64 characters)` });
  });

export const SupplierEndpoint = z
  .object({
    webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
    webhookSecret: WebhookSecret,
  })
  .strict();

const Cidr = z.string().max(50).refine((s) => {
  try {
    ipaddr.parseCIDR(s);
    return true;
  } catch {
    return false;
  }
}, 'must be a CIDR such as 127.0.0.1/32 or 10.20.0.0/16');

/** Any of a category's limits; the others keep the rules' defaults. */
const ColdChainLimitsOverride = ColdChainLimits.partial();

export const BackendConfig = z
  .object({
    /**
     * Demo mode (the simulated store of `npm run demo`): the published demo tokens and webhook
     * secrets are accepted and the backend says so at start. Never in a store.
     */
    demo: z.boolean().default(false),
    http: z.object({ host: z.string().max(255).optional(), port: z.number().int().min(0).max(65535) }).strict(),
    /** The SQLite file (shorthand for storage: { kind: sqlite, path }). */
    dbPath: z.string().min(1).max(4096).optional(),
    /**
     * Where tasks, reading ids and webhooks are kept: an embedded SQLite file (one store), or
     * PostgreSQL (a chain). The PostgreSQL connection string defaults to SHELFWATCH_DATABASE_URL
     * from the environment, so the password need not be in the file.
     */
    storage: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('sqlite'), path: z.string().min(1).max(4096) }).strict(),
        z.object({ kind: z.literal('postgres'), url: z.string().min(1).max(4096).optional() }).strict(),
      ])
      .optional(),
    /**
     * This backend as one of several replicas on one PostgreSQL (ignored with SQLite, which one
     * process owns). Replicas share one file: give what differs as `env:NAME` values. Stores are split among live replicas by lease; a replica that stops renewing
     * for `leaseMs` (default 15 s) has its stores taken over by the others.
     */
    replica: z
      .object({
        /** Unique among the replicas (default: host name and process id). */
        id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits and . _ : - only').optional(),
        /** Where the other replicas reach this one (default: http://<host name>:<port>). */
        url: z.url().max(2000).optional(),
        leaseMs: z.number().int().min(1000).max(300_000).optional(),
      })
      .strict()
      .optional(),
    layoutFiles: z.array(z.string().min(1).max(4096)).max(1000).default([]),
    tokens: z.array(TokenConfig).max(10_000).default([]),
    suppliers: z.record(SupplierId, SupplierEndpoint).default({}),
    webhooks: z
      .object({
        /**
         * Networks webhooks may go to although they are not public: loopback, link-local and
         * private destinations are refused otherwise (a demo receiver on 127.0.0.1 is allowed here).
         */
        allowPrivateNetworks: z.array(Cidr).max(50).default([]),
      })
      .strict()
      .default({ allowPrivateNetworks: [] }),
    influx: z.object({ url: z.url().max(2000), database: z.string().min(1).max(64).optional() }).strict().optional(),
    /** Minutes an open task may stay unacknowledged before it escalates, per kind. */
    escalation: z.partialRecord(TaskKind, z.number().positive()).optional(),
    /** Static staff web app (built by backend/web); served at / when the folder exists. */
    webDir: z.string().max(4096).optional(),
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

/** Relative paths in these fields are resolved against the config file's folder. */
const PATH_FIELDS = ['dbPath', 'storage.path', 'layoutFiles.*', 'webDir'];

/** The environment variable a PostgreSQL connection string comes from when the config has none. */
export const DATABASE_URL_ENV = 'SHELFWATCH_DATABASE_URL';

const backendConfigSpec = (env: NodeJS.ProcessEnv): ConfigSpec<BackendConfig> => ({
  name: 'backend config',
  schema: BackendConfig,
  paths: PATH_FIELDS,
  check: (config) => {
    const check = crossChecks(config);
    return { ...check, issues: [...storageIssues(config, env), ...check.issues] };
  },
});

/** Where the storage is, resolved: the SQLite file, or the PostgreSQL connection string. */
export type StorageLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export function storageLocation(config: BackendConfig, env: NodeJS.ProcessEnv = process.env): StorageLocation {
  const s = config.storage;
  if (s?.kind === 'postgres') {
    const url = s.url ?? env[DATABASE_URL_ENV];
    if (!url) throw new Error(`storage.url: PostgreSQL needs a connection string, in the config or in ${DATABASE_URL_ENV}`);
    return { kind: 'postgres', url };
  }
  const path = s?.path ?? config.dbPath;
  if (path === undefined) throw new Error('storage: give dbPath (SQLite) or storage');
  return { kind: 'sqlite', path };
}

function storageIssues(config: BackendConfig, env: NodeJS.ProcessEnv): string[] {
  if (config.dbPath !== undefined && config.storage !== undefined) return ['dbPath and storage: give one of them, not both'];
  try {
    storageLocation(config, env);
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/**
 * Validates a config object (already parsed), resolving `env:NAME` values and relative paths.
 * Every problem is reported at once, in one ConfigError.
 */
export function parseBackendConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, options: ConfigSource = {}): BackendConfig {
  return parseConfig(backendConfigSpec(env), raw, { ...options, env });
}

/** Webhook destinations, duplicate tokens and, outside demo mode, the strength of secrets. */
function crossChecks(config: BackendConfig): ConfigCheck {
  const issues: string[] = [];
  const destinations = new DestinationPolicy(config.webhooks.allowPrivateNetworks);
  for (const [supplierId, endpoint] of Object.entries(config.suppliers)) {
    const refused = destinations.literalRefusal(new URL(endpoint.webhookUrl));
    if (refused) issues.push(`suppliers.${supplierId}.webhookUrl: points at a ${refused} address; list its network in webhooks.allowPrivateNetworks if that is intended`);
  }
  const tokens = new Set<string>();
  config.tokens.forEach((t, i) => {
    const digest = tokenDigest(t);
    if (tokens.has(digest)) issues.push(`tokens[${i}]: the same token is listed twice (subject ${t.subject})`);
    tokens.add(digest);
  });
  const secretIssues = config.demo ? [] : productionSecretIssues(config);
  if (secretIssues.length === 0) return { issues };
  return {
    issues: [...issues, ...secretIssues],
    qualifier: 'not in demo mode',
    hint: 'Make a token with `npm run token -w @shelfwatch/backend` (it prints the token and its hash for tokenHash); demo: true is for the simulated demo store only.',
  };
}

/**
 * Outside demo mode a backend refuses to start without API tokens, with a published demo or
 * example secret, or with a token too weak to resist guessing: one line per problem.
 */
function productionSecretIssues(config: BackendConfig): string[] {
  const problems: string[] = [];
  if (config.tokens.length === 0) problems.push('tokens: none configured, so nothing could use this backend');
  config.tokens.forEach((t, i) => {
    const weakness = t.token === undefined ? null : tokenWeakness(t.token);
    if (weakness) problems.push(`tokens[${i}].token (subject ${t.subject}): refused because ${weakness}`);
  });
  for (const [id, s] of Object.entries(config.suppliers)) {
    if (isPublishedSecret(s.webhookSecret)) problems.push(`suppliers.${id}.webhookSecret: refused because it is a published demo secret`);
  }
  return problems;
}

/** Reads a JSON or YAML config file; relative paths in it are relative to its folder. */
export async function loadBackendConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<BackendConfig> {
  return loadConfig(backendConfigSpec(env), file, env);
}
