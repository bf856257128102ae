import type { ShelfView } from '@shelfwatch/contracts';
import type { CaseMonitor } from './case-monitor.js';
import type { SlotForecast } from './forecast/sell-out-forecaster.js';
import type { ConditionLatch } from './condition-latch.js';
import type { PlanogramRule } from './planogram-rule.js';
import type { StockRule } from './stock-rule.js';
import type { StoreIndex } from './store-index.js';
import type { StoreKpis } from './types.js';

export interface ViewSources {
  index: StoreIndex;
  latch: ConditionLatch;
  slots: Map<string, { stock: StockRule; planogram: PlanogramRule }>;
  cases: Map<string, CaseMonitor>;
  /** The sell-out forecast of a slot now (null without a count of its stock). */
  forecast?: (slotId: string) => SlotForecast | null;
}

function pct(part: number, whole: number): number {
  return Math.round((part / whole) * 1000) / 10;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function minutesUntil(at: number | null, nowMs: number): number | null {
  return at === null ? null : Math.max(0, Math.round((at - nowMs) / 60_000));
}

export function buildShelfView(src: ViewSources, shelfId: string, nowMs: number): ShelfView | null {
  const shelf = src.index.shelves.get(shelfId);
  if (!shelf) return null;
  let known = 0;
  let compliant = 0;
  const slots = shelf.slots.map((slot) => {
    const rules = src.slots.get(slot.id);
    const c = rules?.planogram.compliant() ?? null;
    if (c !== null) {
      known += 1;
      if (c) compliant += 1;
    }
    const stock = rules?.stock;
    const f = src.forecast?.(slot.id) ?? null;
    return {
      slotId: slot.id,
      channel: slot.channel,
      plannedSku: slot.sku,
      plannedName: src.index.productName(slot.sku),
      plannedFacings: slot.facings,
      capacity: slot.capacity,
      reorderPoint: slot.reorderPoint,
      unitsByWeight: stock?.trustedUnits() ?? null,
      seenSku: stock?.camSku ?? null,
      seenFacings: stock?.camFacings ?? null,
      gap: stock?.camGap ?? null,
      lastReadingAt: stock?.lastReadingAt ?? null,
      compliant: c,
      forecast: f && { salesPerHour: round1(f.salesPerHour), emptyAt: f.emptyAt, minutesToEmpty: minutesUntil(f.emptyAt, nowMs), deadlineAt: f.deadlineAt, confident: f.confident },
    };
  });
  return { storeId: src.index.storeId, shelfId, aisle: shelf.aisle, compliancePct: known > 0 ? pct(compliant, known) : null, slots };
}

export function buildKpis(src: ViewSources, nowMs: number): StoreKpis {
  const byAisle = new Map<string, { slots: number; oos: number }>();
  const compliance: StoreKpis['compliance'] = [];
  let storeKnown = 0;
  let storeCompliant = 0;
  for (const shelf of src.index.layout.shelves) {
    const a = byAisle.get(shelf.aisle) ?? { slots: 0, oos: 0 };
    let known = 0;
    let ok = 0;
    for (const slot of shelf.slots) {
      a.slots += 1;
      if (src.latch.isActive('out_of_stock', `slot:${slot.id}`)) a.oos += 1;
      const c = src.slots.get(slot.id)?.planogram.compliant() ?? null;
      if (c !== null) {
        known += 1;
        if (c) ok += 1;
      }
    }
    byAisle.set(shelf.aisle, a);
    if (known > 0) compliance.push({ shelfId: shelf.id, compliancePct: pct(ok, known) });
    storeKnown += known;
    storeCompliant += ok;
  }
  return {
    storeId: src.index.storeId,
    at: nowMs,
    availability: [...byAisle].map(([aisle, a]) => ({ aisle, onShelfPct: pct(a.slots - a.oos, a.slots), oosSlots: a.oos, slots: a.slots })),
    compliance,
    storeCompliancePct: storeKnown > 0 ? pct(storeCompliant, storeKnown) : null,
    cases: [...src.cases.values()].map((m) => {
      const { caseId, plant } = m.view();
      return {
        caseId,
        minutesAboveLimit: m.minutesAboveLimit(),
        inAlarm: m.inAlarm(),
        plant: { dutyPct: plant.dutyPct, capacityPctOfNormal: plant.capacityPctOfNormal, serviceNeeded: plant.serviceNeededSince !== null },
      };
    }),
    forecasts: slotForecasts(src, nowMs),
  };
}

/** Per slot with a confident forecast: units now, time to empty, and the units expected an hour on (for forecast vs actual). */
function slotForecasts(src: ViewSources, nowMs: number): NonNullable<StoreKpis['forecasts']> {
  const out: NonNullable<StoreKpis['forecasts']> = [];
  if (!src.forecast) return out;
  for (const ref of src.index.slots.values()) {
    const f = src.forecast(ref.slot.id);
    if (!f?.confident) continue;
    out.push({
      aisle: ref.shelf.aisle, slotId: ref.slot.id, sku: ref.slot.sku, units: f.units, salesPerHour: round1(f.salesPerHour),
      minutesToEmpty: minutesUntil(f.emptyAt, nowMs),
      unitsInOneHour: round1(f.unitsInOneHour),
    });
  }
  return out;
}
