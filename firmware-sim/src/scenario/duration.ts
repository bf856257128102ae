import { z } from 'zod';

/** Seconds, as a number or as "HH:MM[:SS]" / "90m" / "2h" / "45s" text, for readable timelines. */
export const Seconds = z.union([z.number().finite().min(0), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const clock = /^(\d+):([0-5]\d)(?::([0-5]\d))?$/.exec(value);
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
  const unit = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/.exec(value);
  if (unit) {
    const factor = { s: 1, m: 60, min: 60, h: 3600, d: 86_400 }[unit[2] as 's' | 'm' | 'min' | 'h' | 'd'];
    return Number(unit[1]) * factor;
  }
  ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration (seconds, "HH:MM[:SS]", or e.g. "90m", "2h")` });
  return z.NEVER;
});
