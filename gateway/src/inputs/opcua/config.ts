import { Id } from '@shelfwatch/contracts';
import { z } from 'zod';
import { NonEmpty } from '../../config-types.js';

const Thumbprint = z
  .string()
  .transform((s) => s.replace(/:/g, '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{40}$/, 'must be a SHA-1 thumbprint: 40 hex digits'));

/** The `opcua` section: the case controllers and how the gateway talks to them. */
export const OpcuaConfig = z
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
    /**
     * How often each controller's subscription sends what changed (ms, wall clock). A value waits at most
     * this long at the controller; the server may revise it (node-opcua's floor is 50 ms).
     */
    publishingIntervalMs: z.number().int().min(50).max(60_000).default(250),
  })
  .strict()
  .refine((o) => o.securityPolicy !== 'None' || o.allowInsecure, { message: "securityPolicy 'None' needs allowInsecure: true", path: ['securityPolicy'] });
export type OpcuaConfig = z.infer<typeof OpcuaConfig>;
