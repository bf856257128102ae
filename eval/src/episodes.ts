import type { SectionTolerances } from './tolerances.js';

/** One truth interval in a section's terms: what happened, where (the section's key), when. */
export interface TruthPart {
  /** The truth record type or fault name: 'out_of_stock', 'product_at_risk', 'door_ajar', ... */
  what: string;
  /** Location in the section's key space (e.g. `slot:a1-s1-1`, `case:case-deli`, `dev:probe-1`). */
  key: string;
  startMs: number;
  endMs: number;
  openAtEnd: boolean;
  /** Whether this part's time counts toward the warranted minimum (false: a tolerated frozen rise). */
  counts: boolean;
  /** Time of this `what` an episode needs before a task is warranted. */
  minMs: number;
}

/** Truth parts of one location merged across small gaps: the unit one task should cover. */
export interface Episode {
  key: string;
  startMs: number;
  endMs: number;
  openAtEnd: boolean;
  parts: TruthPart[];
  /** Long enough that a store would want a task. */
  warranted: boolean;
  /** Still open at the end of the run and warranted for less than the grace period: the system could not yet be expected to react. */
  censored: boolean;
}

/** A span of event time. */
export interface Span {
  startMs: number;
  endMs: number;
}

/**
 * Groups parts per key, merges those closer than the merge gap, and classifies each episode.
 * Time inside a `blind` span (the whole store dark: no device could report) does not count
 * toward the warranted minimum: the rules must not read silence as evidence, so what happened
 * only in the dark is not theirs to detect.
 */
export function buildEpisodes(parts: readonly TruthPart[], tol: SectionTolerances, blind: readonly Span[] = []): Episode[] {
  const byKey = new Map<string, TruthPart[]>();
  for (const part of parts) {
    const list = byKey.get(part.key);
    if (list) list.push(part);
    else byKey.set(part.key, [part]);
  }
  const episodes: Episode[] = [];
  for (const [key, list] of [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
    let current: TruthPart[] = [];
    let endMs = -Infinity;
    for (const part of list) {
      if (current.length > 0 && part.startMs - endMs > tol.mergeGapMs) {
        episodes.push(classify(key, current, tol, blind));
        current = [];
        endMs = -Infinity;
      }
      current.push(part);
      endMs = Math.max(endMs, part.endMs);
    }
    if (current.length > 0) episodes.push(classify(key, current, tol, blind));
  }
  return episodes.sort((a, b) => a.startMs - b.startMs || a.key.localeCompare(b.key));
}

function overlapMs(a: Span, spans: readonly Span[]): number {
  let ms = 0;
  for (const b of spans) ms += Math.max(0, Math.min(a.endMs, b.endMs) - Math.max(a.startMs, b.startMs));
  return ms;
}

function classify(key: string, parts: TruthPart[], tol: SectionTolerances, blind: readonly Span[]): Episode {
  const startMs = Math.min(...parts.map((p) => p.startMs));
  const endMs = Math.max(...parts.map((p) => p.endMs));
  const openAtEnd = parts.some((p) => p.openAtEnd && p.endMs === endMs);
  // Time is summed per kind of condition (flapping product temperature counts its time above
  // the limit, not the span), over the parts that count.
  const sums = new Map<string, { ms: number; minMs: number }>();
  for (const p of parts) {
    if (!p.counts) continue;
    const s = sums.get(p.what) ?? { ms: 0, minMs: p.minMs };
    s.ms += Math.max(0, p.endMs - p.startMs - overlapMs(p, blind));
    sums.set(p.what, s);
  }
  const sumList = [...sums.values()];
  const warranted = sumList.some((s) => s.ms >= s.minMs);
  const censored = warranted && openAtEnd && !sumList.some((s) => s.ms >= s.minMs + tol.graceMs);
  return { key, startMs, endMs, openAtEnd, parts, warranted, censored };
}
