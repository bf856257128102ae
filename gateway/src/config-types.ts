import { z } from 'zod';

/** Building blocks the configuration fragments share. */
export const Port = z.number().int().min(0).max(65535);
export const NonEmpty = z.string().min(1);
