import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DeviceId, EventTimeBound, formatIssues, Id } from '@shelfwatch/contracts';
import { z } from 'zod';

const Port = z.number().int().min(0).max(65535);
const NonEmpty = z.string().min(1);
const Thumbprint = z
  .string()
  .transform((s) => s.replace(/:/g, '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{40}$/, 'must be a SHA-1 thumbprint: 40 hex digits'));

/** The IANA port for MQTT, what devices expect of a broker unless told otherwise. */
export const DEFAULT_MQTT_PORT = 1883;
/** The IANA port for MQTT over TLS. */
export const DEFAULT_MQTTS_PORT = 8883;
/** A probe reading is under 200 bytes and a 200-slot camera scan a few KB; 64 KiB leaves room and stops floods. */
export const DEFAULT_MAX_PACKET_BYTES = 64 * 1024;

export const MqttConfig = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('embedded'),
      host: NonEmpty.default('127.0.0.1'),
      /** 0 = any free port (tests); the actual port is reported by the gateway. */
      port: Port.default(DEFAULT_MQTT_PORT),
      /** Plain MQTT on `port`; turn off where every device speaks TLS. */
      plaintext: z.boolean().default(true),
      /** MQTT over TLS with the gateway's certificate (PEM files; relative paths against the config file). */
      tls: z
        .object({
          host: NonEmpty.optional(),
          port: Port.default(DEFAULT_MQTTS_PORT),
          certFile: NonEmpty,
          keyFile: NonEmpty,
        })
        .strict()
        .optional(),
      /** Packets declaring a bigger size are refused before their body is read (counted packet_too_large). */
      maxPacketBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(DEFAULT_MAX_PACKET_BYTES),
      /** Simultaneous connections one device's credentials may hold (its own client id, or `<deviceId>:<suffix>`). */
      maxConnectionsPerDevice: z.number().int().min(1).max(100).default(2),
      /** Subscriptions one device's credentials may hold over all its connections. */
      maxSubscriptionsPerDevice: z.number().int().min(0).max(1000).default(10),
    })
    .strict()
    .refine((m) => m.plaintext || m.tls !== undefined, { message: 'with plaintext off, tls must be configured (no listener otherwise)', path: ['plaintext'] }),
  z
    .object({
      mode: z.literal('external'),
      url: z.string().regex(/^mqtts?:\/\//, 'must be an mqtt:// or mqtts:// URL'),
      username: NonEmpty,
      password: NonEmpty,
    })
    .strict(),
]);
export type MqttConfig = z.infer<typeof MqttConfig>;

export const GatewayConfigSchema = z
  .object({
    gatewayId: DeviceId,
    /** StoreLayout JSON; relative paths are resolved against the config file's folder. */
    layoutFile: NonEmpty,
    /** DeviceCredentials JSON (device passwords). */
    credentialsFile: NonEmpty,
    mqtt: MqttConfig,
    serial: z
      .object({
        boards: z.record(Id, z.object({ path: NonEmpty, baudRate: z.number().int().positive().optional() }).strict()).default({}),
      })
      .strict()
      .default({ boards: {} }),
    opcua: z
      .object({
        controllers: z
          .record(
            Id,
            z
              .object({
                endpointUrl: z.string().regex(/^opc\.tcp:\/\//, 'must be an opc.tcp:// URL'),
                /** Accept this controller only with exactly this certificate (SHA-1 thumbprint, hex, ':' allowed), whatever the trust list holds. */
                certificateThumbprint: Thumbprint.optional(),
              })
              .strict(),
          )
          .default({}),
        /** The gateway's PKI: its client certificate, and the trust list in `<pkiDir>/client/trusted/certs`. */
        pkiDir: NonEmpty,
        /** Sign & encrypt with this policy (default Basic256Sha256); 'None' sends everything, passwords included, in clear. */
        securityPolicy: z.enum(['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss', 'None']).default('Basic256Sha256'),
        /** Must be true for securityPolicy 'None' (a store LAN is not a trusted network); warned about at start. */
        allowInsecure: z.boolean().default(false),
      })
      .strict()
      .refine((o) => o.securityPolicy !== 'None' || o.allowInsecure, { message: "securityPolicy 'None' needs allowInsecure: true", path: ['securityPolicy'] }),
    influx: z.object({ url: z.url(), database: NonEmpty.optional() }).strict(),
    backend: z
      .object({
        url: z.url(),
        /** May be left out here and given in SHELFWATCH_GATEWAY_TOKEN instead (keeps secrets out of files). */
        token: z.string().min(8),
      })
      .strict(),
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
