import { z } from 'zod';
import { NonEmpty } from '../../config-types.js';

/** The `influx` section: the InfluxDB 1.x every reading is written to. */
export const InfluxConfig = z.object({ url: z.url(), database: NonEmpty.optional() }).strict();
export type InfluxConfig = z.infer<typeof InfluxConfig>;
