import { Id } from '@shelfwatch/contracts';
import { z } from 'zod';
import { NonEmpty } from '../../config-types.js';

/** The `serial` section: the shelf boards on USB serial lines. */
export const SerialConfig = z
  .object({
    boards: z.record(Id, z.object({ path: NonEmpty, baudRate: z.number().int().positive().optional() }).strict()).default({}),
  })
  .strict();
export type SerialConfig = z.infer<typeof SerialConfig>;
