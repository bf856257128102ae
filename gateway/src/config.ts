import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DeviceId, EventTimeBound, formatIssues } from '@shelfwatch/contracts';
import { z } from 'zod';
import { NonEmpty, Port } from './config-types.js';
import { PLUGIN_SECTIONS } from './plugin-config.js';

export const GatewayConfigSchema = z
  .object({
    gatewayId: DeviceId,
    /** StoreLayout JSON; relative paths are resolved against the config file's folder. */
    layoutFile: NonEmpty,
    /** DeviceCredentials JSON (device passwords). */
    credentialsFile: NonEmpty,
    ...PLUGIN_SECTIONS,
    outbox: z.object({ path: NonEmpty, maxPending: z.number().int().positive().optional() }).strict(),
    /**
     * Bound on device event time against the gateway's clock (defaults: 5 min ahead, 24 h
     * old); readings outside it are refused at the edge and counted (ts_ahead, ts_too_old).
     */
    eventTime: EventTimeBound.partial().strict().optional(),
    http: z
      .object({
        host: NonEmpty.optional(),
        port: Port,
        /** Token for the admin endpoints (tare/calibrate); the backend token is accepted too. */
        adminToken: z.string().min(8).optional(),
      })
      .strict(),
  })
  .strict();

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

/** Validates a config object; relative file paths are resolved against baseDir. */
export function parseGatewayConfig(raw: unknown, options: { baseDir: string; env?: NodeJS.ProcessEnv; source?: string }): GatewayConfig {
  const env = options.env ?? process.env;
  const withEnv = injectEnvToken(raw, env.SHELFWATCH_GATEWAY_TOKEN);
  const parsed = GatewayConfigSchema.safeParse(withEnv);
  if (!parsed.success) throw new ConfigError(`invalid gateway configuration${options.source ? ` in ${options.source}` : ''}:`, formatIssues(parsed.error));
  const c = parsed.data;
  const resolve = (p: string) => path.resolve(options.baseDir, p);
  return {
    ...c,
    layoutFile: resolve(c.layoutFile),
    credentialsFile: resolve(c.credentialsFile),
    mqtt: c.mqtt.mode === 'embedded' && c.mqtt.tls ? { ...c.mqtt, tls: { ...c.mqtt.tls, certFile: resolve(c.mqtt.tls.certFile), keyFile: resolve(c.mqtt.tls.keyFile) } } : c.mqtt,
    opcua: { ...c.opcua, pkiDir: resolve(c.opcua.pkiDir) },
    outbox: { ...c.outbox, path: resolve(c.outbox.path) },
    serial: { boards: Object.fromEntries(Object.entries(c.serial.boards).map(([id, b]) => [id, { ...b, path: resolve(b.path) }])) },
  };
}

function injectEnvToken(raw: unknown, token: string | undefined): unknown {
  if (token === undefined || typeof raw !== 'object' || raw === null) return raw;
  const obj = raw as Record<string, unknown>;
  const backend = typeof obj.backend === 'object' && obj.backend !== null ? (obj.backend as Record<string, unknown>) : {};
  if (backend.token !== undefined) return raw;
  return { ...obj, backend: { ...backend, token } };
}

export function loadGatewayConfig(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read gateway configuration ${file}:`, [(err as Error).message]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`gateway configuration ${file} is not valid JSON:`, [(err as Error).message]);
  }
  return parseGatewayConfig(raw, { baseDir: path.dirname(path.resolve(file)), env, source: file });
}
