import { z } from 'zod';

/** The `backend` section: the ShelfWatch backend the rules' readings are forwarded to. */
export const BackendConfig = z
  .object({
    url: z.url(),
    /** May be left out here and given in SHELFWATCH_GATEWAY_TOKEN instead (keeps secrets out of files). */
    token: z.string().min(8),
  })
  .strict();
export type BackendConfig = z.infer<typeof BackendConfig>;
