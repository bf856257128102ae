import { z } from 'zod';

/** A rule knob: a non-negative number (minutes, degrees, shares) with its default. */
export const knob = (value: number) => z.number().nonnegative().default(value);
