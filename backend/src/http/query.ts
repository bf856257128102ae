import { z } from 'zod';

/**
 * Query parameters are text; numbers are parsed strictly. z.coerce.number() would take ''
 * as 0 (an empty `limitC=` became a 0 °C limit), '0x10' as 16 and ' 5 ' as 5.
 */
export const QueryInt = z
  .string()
  .max(20)
  .regex(/^-?\d+$/, 'must be a whole number written in digits')
  .transform(Number);

export const QueryDecimal = z
  .string()
  .max(30)
  .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number like 5 or -18.5')
  .transform(Number);
