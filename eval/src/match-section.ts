import type { TaskKind, Task } from '@shelfwatch/contracts';
import type { Episode } from './episodes.js';
import type { SectionSpec } from './sections.js';
import { MAX_EXAMPLES } from './tolerances.js';

export interface MissedExample {
  key: string;
  startMs: number;
  endMs: number;
  openAtEnd: boolean;
  what: string[];
}

export interface FalseAlarmExample {
  taskId: string;
  kind: TaskKind;
  locationKey: string;
  raisedAt: number;
}

/** Raw counts of one section for one run; summed across runs before ratios are taken. */
export interface SectionTally {
  /** Tasks of the section's kinds. */
  tasks: number;
  /** Tasks that were the first detection of a truth episode (warranted or not). */
  tp: number;
  /** Tasks matching no truth episode. */
  fp: number;
  /** Re-raises of the same kind for an episode already detected: not false, but noise for staff. */
  duplicates: number;
  /** Tasks of another kind for an episode already detected (spoilage after the excursion). */
  followUps: number;
  /** False tasks whose location key names no place of this section (included in fp). */
  unmapped: number;
  /** Warnings ahead of time that no episode followed: scored elsewhere (the forecast), not in tasks or fp. */
  warningsElsewhere: number;
  /** All truth episodes (merged intervals), warranted or not. */
  episodes: number;
  /** Episodes recall is computed over: warranted, and not censored by the end of the run. */
  truthIntervals: number;
  /** Of those, detected (by a task raised in the window, or by a matched task still open). */
  detected: number;
  /** Detected because a task matched to an earlier episode at that place was still open. */
  carriedOver: number;
  /** Episodes shorter than the warranted minimum (not held against recall). */
  excludedShort: number;
  /** Warranted episodes still open at the run's end, undetected, with less than the grace period behind them. */
  censoredAtEnd: number;
  /** raisedAt − episode start, clamped ≥ 0, for detected recall episodes detected by a raise. */
  delaysMs: number[];
  missed: MissedExample[];
  falseAlarms: FalseAlarmExample[];
}

export function emptyTally(): SectionTally {
  return {
    tasks: 0, tp: 0, fp: 0, duplicates: 0, followUps: 0, unmapped: 0, warningsElsewhere: 0,
    episodes: 0, truthIntervals: 0, detected: 0, carriedOver: 0, excludedShort: 0, censoredAtEnd: 0,
    delaysMs: [], missed: [], falseAlarms: [],
  };
}

interface EpisodeState {
  episode: Episode;
  first: Task | null;
  kinds: Set<TaskKind>;
  carried: boolean;
}

/** How far raisedAt lies outside the episode's parts the kind may match; null when outside every window. */
function distance(state: EpisodeState, task: Task, allowed: readonly string[], spec: SectionSpec): number | null {
  const { graceMs } = spec.tolerances;
  const leadMs = Math.max(spec.tolerances.leadMs, spec.leadMs?.(task) ?? 0);
  const { raisedAt } = task;
  let best: number | null = null;
  for (const part of state.episode.parts) {
    if (!allowed.includes(part.what)) continue;
    if (raisedAt < part.startMs - leadMs || raisedAt > part.endMs + graceMs) continue;
    const d = raisedAt < part.startMs ? part.startMs - raisedAt : raisedAt > part.endMs ? raisedAt - part.endMs : 0;
    if (best === null || d < best) best = d;
  }
  return best;
}

/**
 * In a section that takes warnings ahead of time: the first episode that began while the task
 * was still open. A warning raised further ahead than its horizon that stayed open until the
 * condition came has still put the task in staff's hands when it mattered.
 */
function coveredOnset(states: readonly EpisodeState[], task: Task, allowed: readonly string[]): EpisodeState | null {
  let best: EpisodeState | null = null;
  let bestStart = Infinity;
  for (const state of states) {
    for (const part of state.episode.parts) {
      if (!allowed.includes(part.what) || part.startMs <= task.raisedAt) continue;
      if (task.closedAt !== null && task.closedAt < part.startMs) continue;
      if (part.startMs < bestStart) {
        best = state;
        bestStart = part.startMs;
      }
    }
  }
  return best;
}

export interface SectionMatch {
  tally: SectionTally;
  falseTasks: Task[];
}

/**
 * Matches one run's tasks against one section's truth episodes. Tasks are taken in the order
 * they were raised; each goes to the episode at its place whose window holds its raise time
 * (the nearest if two do); the first per episode detects it.
 */
export function matchSection(spec: SectionSpec, episodes: readonly Episode[], tasks: readonly Task[]): SectionMatch {
  const tally = emptyTally();
  const falseTasks: Task[] = [];
  const byKey = new Map<string, EpisodeState[]>();
  for (const episode of episodes) {
    const state: EpisodeState = { episode, first: null, kinds: new Set(), carried: false };
    const list = byKey.get(episode.key);
    if (list) list.push(state);
    else byKey.set(episode.key, [state]);
  }
  const matchedAt = new Map<string, { task: Task; state: EpisodeState }[]>();
  const relevant = tasks
    .filter((t) => spec.matchable[t.kind] !== undefined && (spec.owns?.(t) ?? true))
    .sort((a, b) => a.raisedAt - b.raisedAt || a.id.localeCompare(b.id));

  for (const task of relevant) {
    tally.tasks++;
    const allowed = spec.matchable[task.kind] ?? [];
    const key = spec.taskKey(task);
    let chosen: EpisodeState | null = null;
    let chosenD = Infinity;
    for (const state of key === null ? [] : (byKey.get(key) ?? [])) {
      const d = distance(state, task, allowed, spec);
      if (d !== null && d < chosenD) {
        chosen = state;
        chosenD = d;
      }
    }
    if (chosen === null && key !== null && spec.leadMs) chosen = coveredOnset(byKey.get(key) ?? [], task, allowed);
    if (chosen === null && key !== null && spec.scoredElsewhereIfUnmatched?.(task)) {
      tally.tasks--;
      tally.warningsElsewhere++;
      continue;
    }
    if (chosen === null || key === null) {
      tally.fp++;
      if (key === null) tally.unmapped++;
      falseTasks.push(task);
      if (tally.falseAlarms.length < MAX_EXAMPLES) {
        tally.falseAlarms.push({ taskId: task.id, kind: task.kind, locationKey: task.locationKey, raisedAt: task.raisedAt });
      }
      continue;
    }
    if (chosen.first === null) {
      chosen.first = task;
      tally.tp++;
    } else if (chosen.kinds.has(task.kind)) tally.duplicates++;
    else tally.followUps++;
    chosen.kinds.add(task.kind);
    const list = matchedAt.get(key) ?? [];
    list.push({ task, state: chosen });
    matchedAt.set(key, list);
  }

  for (const states of byKey.values()) {
    for (const state of states) {
      const { episode } = state;
      if (state.first !== null) continue;
      // A real detection still open when the condition returns: staff already have the task.
      const stillOpen = (matchedAt.get(episode.key) ?? []).find(
        ({ task, state: earlier }) =>
          earlier.episode.startMs < episode.startMs &&
          task.raisedAt < episode.startMs &&
          (task.closedAt === null || task.closedAt >= episode.startMs) &&
          episode.parts.some((p) => (spec.matchable[task.kind] ?? []).includes(p.what)),
      );
      if (stillOpen) state.carried = true;
    }
  }

  for (const states of byKey.values()) {
    for (const { episode, first, carried } of states) {
      tally.episodes++;
      const detected = first !== null || carried;
      if (!episode.warranted) {
        tally.excludedShort++;
        continue;
      }
      // The outcome of an episode cut off by the end of the run is unknown unless it was already detected.
      if (episode.censored && !detected) {
        tally.censoredAtEnd++;
        continue;
      }
      tally.truthIntervals++;
      if (first !== null) {
        tally.detected++;
        tally.delaysMs.push(Math.max(0, first.raisedAt - episode.startMs));
      } else if (carried) {
        tally.detected++;
        tally.carriedOver++;
      } else if (tally.missed.length < MAX_EXAMPLES) {
        tally.missed.push({ key: episode.key, startMs: episode.startMs, endMs: episode.endMs, openAtEnd: episode.openAtEnd, what: [...new Set(episode.parts.map((p) => p.what))] });
      }
    }
  }
  return { tally, falseTasks };
}
