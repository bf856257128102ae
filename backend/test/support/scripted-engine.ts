import type { CaseView, Reading, ShelfView } from '@shelfwatch/contracts';
import type { CreateRuleEngine, RuleDecision, RuleEngine, StoreKpis, StoreModel } from '../../src/rules/types.js';

/**
 * A scripted stand-in for the rules (the service's collaborator) with obvious behaviour:
 * - shelf.weight units 0 → assert out_of_stock for the slot; units > 0 → clear it; a stable rise
 *   of two units or more → restock (units leave the backroom)
 * - probe.temperature above 8 °C → assert temperature_excursion (critical above 12 °C); else clear
 * - camera.slot with gap → one replenish request per slot to the slot product's supplier
 */
export class ScriptedEngine implements RuleEngine {
  readonly seen: Reading[] = [];
  private readonly requested = new Set<string>();
  private readonly units = new Map<string, number>();
  constructor(readonly model: StoreModel) {}

  onReading(r: Reading): RuleDecision[] {
    this.seen.push(r);
    const storeId = r.storeId;
    switch (r.kind) {
      case 'shelf.weight': {
        const locationKey = `slot:${r.slotId}`;
        const before = this.units.get(r.slotId);
        if (r.stable && r.fault === null) this.units.set(r.slotId, r.units);
        const restock: RuleDecision[] =
          r.stable && r.fault === null && before !== undefined && r.units - before >= 2 ? [{ type: 'restock', at: r.ts, storeId, sku: r.sku, slotId: r.slotId, units: r.units - before }] : [];
        if (r.units === 0) {
          const product = this.model.layout.products.find((p) => p.sku === r.sku);
          return [
            {
              type: 'assert',
              at: r.ts,
              condition: {
                storeId,
                kind: 'out_of_stock',
                locationKey,
                severity: 'warning',
                location: { shelfId: r.shelfId, slotId: r.slotId, sku: r.sku, label: `Shelf ${r.shelfId}, slot ${r.slotId}` },
                title: `Out of stock: ${product?.name ?? r.sku}`,
                action: `Restock from backroom (${this.model.backroomUnits(r.sku)} there)`,
                reason: 'the shelf weighs nothing',
                evidence: [{ ts: r.ts, text: `${r.grams} g` }],
                products: [{ sku: r.sku, name: product?.name ?? r.sku }],
              },
            },
          ];
        }
        return [...restock, { type: 'clear', at: r.ts, storeId, kind: 'out_of_stock', locationKey, reason: `restocked: ${r.units} units` }];
      }
      case 'probe.temperature': {
        const locationKey = `case:${r.caseId}`;
        if (r.tempC !== null && r.tempC > 8) {
          return [
            {
              type: 'assert',
              at: r.ts,
              condition: {
                storeId,
                kind: 'temperature_excursion',
                locationKey,
                severity: r.tempC > 12 ? 'critical' : 'warning',
                location: { caseId: r.caseId, label: `Case ${r.caseId}` },
                title: 'Case too warm',
                action: 'Check the case',
                reason: `product at ${r.tempC} °C`,
                evidence: [{ ts: r.ts, text: `${r.tempC} °C` }],
                products: [],
              },
            },
          ];
        }
        return [{ type: 'clear', at: r.ts, storeId, kind: 'temperature_excursion', locationKey, reason: 'back below limit' }];
      }
      case 'camera.slot': {
        if (!r.gap || this.requested.has(r.slotId)) return [];
        this.requested.add(r.slotId);
        const slot = this.model.layout.shelves.flatMap((s) => s.slots).find((s) => s.id === r.slotId);
        const product = this.model.layout.products.find((p) => p.sku === slot?.sku);
        if (!slot || !product) return [];
        return [
          {
            type: 'replenish',
            at: r.ts,
            storeId,
            supplierId: product.supplierId,
            lines: [{ sku: product.sku, quantity: product.packSize * 2, packs: 2 }],
            reason: `slot ${r.slotId} empty and backroom has ${this.model.backroomUnits(product.sku)}`,
          },
        ];
      }
      case 'case.air_temperature':
      case 'case.setpoint':
      case 'case.defrost':
      case 'case.door':
      case 'case.compressor':
      case 'device.status':
        return [];
    }
  }

  onTick(): RuleDecision[] {
    return [];
  }

  kpis(nowMs: number): StoreKpis {
    return { storeId: this.model.layout.store.id, at: nowMs, availability: [], compliance: [], cases: [] };
  }

  shelfView(shelfId: string): ShelfView | null {
    const shelf = this.model.layout.shelves.find((s) => s.id === shelfId);
    if (!shelf) return null;
    return {
      storeId: this.model.layout.store.id,
      shelfId,
      aisle: shelf.aisle,
      compliancePct: null,
      slots: shelf.slots.map((s) => ({
        slotId: s.id,
        channel: s.channel,
        plannedSku: s.sku,
        plannedName: s.sku,
        plannedFacings: s.facings,
        capacity: s.capacity,
        reorderPoint: s.reorderPoint,
        unitsByWeight: null,
        seenSku: null,
        seenFacings: null,
        gap: null,
        lastReadingAt: null,
        compliant: null,
      })),
    };
  }

  caseViews(): CaseView[] {
    return [];
  }
}

export function scriptedEngines(): { create: CreateRuleEngine; engines: ScriptedEngine[] } {
  const engines: ScriptedEngine[] = [];
  return {
    engines,
    create: (model) => {
      const e = new ScriptedEngine(model);
      engines.push(e);
      return e;
    },
  };
}
