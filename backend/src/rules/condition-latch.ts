import type { TaskKind } from '@shelfwatch/contracts';
import type { Condition, RuleDecision } from './types.js';

interface Held {
  signature: string;
  since: number;
  /** Restored after a restart: not cleared before this time (the rules rebuild their state first). */
  graceUntil?: number;
}

/**
 * Remembers which (kind, locationKey) conditions the rules have asserted, so each rule
 * emits an assert when a condition starts or materially changes (severity, title, action,
 * or the rule's own detail key) and exactly one clear when it ends. Flapping inside a rule's
 * hysteresis therefore never reaches the service as new tasks.
 */
export class ConditionLatch {
  private readonly held = new Map<string, Held>();

  assert(at: number, condition: Condition, detailKey = ''): RuleDecision[] {
    const key = `${condition.kind}|${condition.locationKey}`;
    const signature = `${condition.severity}|${condition.title}|${condition.action}|${detailKey}`;
    const prior = this.held.get(key);
    if (prior?.signature === signature) return [];
    this.held.set(key, { signature, since: prior?.since ?? at });
    return [{ type: 'assert', at, condition }];
  }

  clear(at: number, storeId: string, kind: TaskKind, locationKey: string, reason: string): RuleDecision[] {
    const key = `${kind}|${locationKey}`;
    const held = this.held.get(key);
    if (!held || (held.graceUntil !== undefined && at < held.graceUntil)) return [];
    this.held.delete(key);
    return [{ type: 'clear', at, storeId, kind, locationKey, reason }];
  }

  /** Mark a condition as held (its task is open in the service) without emitting anything. */
  restore(kind: TaskKind, locationKey: string, at: number, graceUntil: number): void {
    const key = `${kind}|${locationKey}`;
    if (!this.held.has(key)) this.held.set(key, { signature: '', since: at, graceUntil });
  }

  isActive(kind: TaskKind, locationKey: string): boolean {
    return this.held.has(`${kind}|${locationKey}`);
  }

  activeSince(kind: TaskKind, locationKey: string): number | null {
    return this.held.get(`${kind}|${locationKey}`)?.since ?? null;
  }
}
