import { z } from 'zod';
import { NonEmpty, Port } from '../../config-types.js';

/** The IANA port for MQTT, what devices expect of a broker unless told otherwise. */
export const DEFAULT_MQTT_PORT = 1883;
/** The IANA port for MQTT over TLS. */
export const DEFAULT_MQTTS_PORT = 8883;
/** A probe reading is under 200 bytes and a 200-slot camera scan a few KB; 64 KiB leaves room and stops floods. */
export const DEFAULT_MAX_PACKET_BYTES = 64 * 1024;

/** The `mqtt` section: the embedded broker devices connect to, or a client of the chain's broker. */
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
