import path from 'node:path';
import { DeviceId, EventTimeBound } from '@shelfwatch/contracts';
import { parseConfig, readConfigFile, type ConfigSource, type ConfigSpec } from '@shelfwatch/service-kit';
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

/** Fields holding file paths: relative ones are resolved against the config file's folder. */
const PATH_FIELDS = ['layoutFile', 'credentialsFile', 'mqtt.tls.certFile', 'mqtt.tls.keyFile', 'opcua.pkiDir', 'outbox.path', 'serial.boards.*.path'];

const GATEWAY_CONFIG: ConfigSpec<GatewayConfig> = { name: 'gateway configuration', schema: GatewayConfigSchema, paths: PATH_FIELDS };

/**
 * Validates a config object; relative file paths are resolved against baseDir, and secrets may
 * be written `env:NAME` (the backend token may also come from SHELFWATCH_GATEWAY_TOKEN).
 */
export function parseGatewayConfig(raw: unknown, options: ConfigSource & { baseDir: string }): GatewayConfig {
  const env = options.env ?? process.env;
  return parseConfig(GATEWAY_CONFIG, injectEnvToken(raw, env.SHELFWATCH_GATEWAY_TOKEN), { ...options, env });
}

function injectEnvToken(raw: unknown, token: string | undefined): unknown {
  if (token === undefined || typeof raw !== 'object' || raw === null) return raw;
  const obj = raw as Record<string, unknown>;
  const backend = typeof obj.backend === 'object' && obj.backend !== null ? (obj.backend as Record<string, unknown>) : {};
  if (backend.token !== undefined) return raw;
  return { ...obj, backend: { ...backend, token } };
}

export function loadGatewayConfig(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseGatewayConfig(readConfigFile(file, GATEWAY_CONFIG.name), { baseDir: path.dirname(path.resolve(file)), env, source: file });
}
