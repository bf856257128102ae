import type { Reading } from '@shelfwatch/contracts';
import { simulateCase } from '../rules/case-sim.js';
import { camera, layout, MIN, probe, status, steady, T0, weight } from '../rules/timeline.js';

/** What can happen in a generated stretch of the test store (the rules tests' layout). */
export interface DayPlan {
  minutes: number;
  /** Per slot-1..slot-4: minutes at which a unit is sold. */
  sales: number[][];
  /** Minute slot-1 is restocked to 20 (if before the end). */
  restockAt: number;
  /** Minutes at which the camera misreads slot-1 (a confident gap). */
  misreads: number[];
  /** slot-3 holds the wrong product from `at` for `len` minutes. */
  wrongProduct: { at: number; len: number };
  /** A defrost of case-4, a door left open on case-4, a compressor failure of case-5. */
  defrostAt: number;
  doorAt: number;
  doorLen: number;
  compressorAt: number;
  /** probe-9p reports open circuit for a while. */
  openCircuit: { at: number; len: number };
  /** Every device silent for a while (power cut); with or without the gateway reporting them offline. */
  outage: { at: number; len: number; statuses: boolean };
}

const CAPACITY: Record<string, number> = { 'slot-1': 24, 'slot-2': 16, 'slot-3': 12, 'slot-4': 20 };

/**
 * A few hours of the test store as its devices would report them: each slot's weight at least
 * once a minute (the gateway's heartbeat) and at every sale, a camera scan of slots 1–3 every
 * minute, the three cases from the case simulator (controller on change, probes every minute).
 * Deterministic for a plan; the order is event-time order.
 */
export function storeDay(plan: DayPlan): Reading[] {
  const end = T0 + plan.minutes * MIN;
  const out: Reading[] = [];
  layout.shelves[0]!.slots.forEach((slot, i) => {
    let units = slot.id === 'slot-1' ? 8 : CAPACITY[slot.id]! - 2;
    const changes: Reading[] = [weight(slot.id, T0, units)];
    const sales = [...(plan.sales[i] ?? [])].sort((a, b) => a - b);
    for (let m = 0; m <= plan.minutes; m += 1) {
      for (const s of sales.filter((x) => x === m)) {
        if (units === 0) continue;
        units -= 1;
        changes.push(weight(slot.id, T0 + s * MIN + 5000, units + 2, { stable: false }), weight(slot.id, T0 + s * MIN + 9000, units));
      }
      if (slot.id === 'slot-1' && m === plan.restockAt) {
        units = 20;
        changes.push(weight(slot.id, T0 + m * MIN + 20_000, units));
      }
      if (slot.id === 'slot-4') continue;
      const wrong = slot.id === 'slot-3' && m >= plan.wrongProduct.at && m < plan.wrongProduct.at + plan.wrongProduct.len;
      const misread = slot.id === 'slot-1' && plan.misreads.includes(m);
      const ts = T0 + m * MIN + 30_000;
      if (ts > end) continue;
      out.push(
        misread || units === 0
          ? camera(slot.id, ts, { gap: true, confidence: 0.9 })
          : camera(slot.id, ts, { sku: wrong ? 'TEA-1' : slot.sku, facings: Math.min(slot.facings, units), confidence: 0.9 }),
      );
    }
    out.push(...steady(changes, end));
  });
  out.push(...simulateCase({ caseId: 'case-4', minutes: plan.minutes, events: [{ atMin: plan.defrostAt, defrost: true }, { atMin: plan.defrostAt + 25, defrost: false }, { atMin: plan.doorAt, door: true }, { atMin: plan.doorAt + plan.doorLen, door: false }] }).readings);
  out.push(...simulateCase({ caseId: 'case-5', minutes: plan.minutes, events: [{ atMin: plan.compressorAt, compressor: false }] }).readings);
  out.push(
    ...simulateCase({ caseId: 'case-9', minutes: plan.minutes }).readings.map((r) =>
      r.kind === 'probe.temperature' && r.ts >= T0 + plan.openCircuit.at * MIN && r.ts < T0 + (plan.openCircuit.at + plan.openCircuit.len) * MIN ? probe('probe-9p', 'case-9', r.ts, null, { fault: 'open_circuit' }) : r,
    ),
  );
  const from = T0 + plan.outage.at * MIN;
  const to = from + plan.outage.len * MIN;
  const kept = out.filter((r) => r.ts <= end && (r.ts < from || r.ts >= to));
  if (plan.outage.statuses) {
    for (const d of [...layout.shelves.map((s) => s.boardId), ...layout.cameras.map((c) => c.id), ...layout.cases.flatMap((c) => [...c.probes.map((p) => p.id), c.controllerId])]) {
      const kind = d.startsWith('board') ? 'weight_board' : d.startsWith('cam') ? 'camera' : d.startsWith('probe') ? 'probe' : 'controller';
      kept.push(status(d, kind, from + 1000, false), status(d, kind, to, true));
    }
  }
  return kept.sort((a, b) => a.ts - b.ts);
}
