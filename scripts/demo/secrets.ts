import { z } from 'zod';
import { Role } from '@shelfwatch/contracts';

/** The demo's API tokens, gateway identity and supplier webhook secrets (config/demo/api.demo.json). */
export const DemoSecrets = z
  .object({
    _warning: z.string().optional(),
    gateway: z.object({ id: z.string(), backendToken: z.string().min(16) }).strict(),
    tokens: z.array(z.object({ token: z.string().min(16), role: Role, subject: z.string() }).strict()).min(1),
    suppliers: z.record(z.string(), z.object({ webhookSecret: z.string().startsWith('whsec_') }).strict()),
  })
  .strict();
export type DemoSecrets = z.infer<typeof DemoSecrets>;
