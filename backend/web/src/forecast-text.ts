import type { SlotForecastView } from '@shelfwatch/contracts';
import { duration } from './relative-time.js';

/** Clock time in the browser's zone, "15:20". */
function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * The slot's time to empty in words for the shelf view: "Empty in about 45 min (around 15:20),
 * restock before 14:55 · selling 2.1 per hour". Null when there is nothing to say.
 */
export function forecastText(f: SlotForecastView | null | undefined): string | null {
  if (!f) return null;
  const pace = `selling ${f.salesPerHour.toFixed(1)} per hour`;
  if (!f.confident) return `Too few sales yet to forecast (${pace})`;
  if (f.emptyAt === null || f.minutesToEmpty === null) return `Not expected to run empty within a day (${pace})`;
  const by = f.deadlineAt !== null ? `, restock before ${clock(f.deadlineAt)}` : '';
  return `Empty in about ${duration(f.minutesToEmpty)} (around ${clock(f.emptyAt)})${by} · ${pace}`;
}
