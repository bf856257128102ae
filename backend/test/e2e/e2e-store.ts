import type { Reading, StoreLayout } from '@shelfwatch/contracts';
import { storeLayout } from '@shelfwatch/test-support';

/**
 * A small store for the browser tests: one ambient shelf watched by a weight board and a
 * camera, and one chilled multideck case with an air and a product probe.
 */
export const E2E_STORE: StoreLayout = storeLayout({
  store: { id: 'e2e-store', name: 'E2E Market', timezone: 'Europe/Berlin' },
  suppliers: [{ id: 'dairyco', name: 'DairyCo' }],
  products: [
    { sku: 'OAT-1L', name: 'Oat milk 1 l', unitWeightG: 1040, category: 'ambient', packSize: 6 },
    { sku: 'RICE-1KG', name: 'Basmati rice 1 kg', unitWeightG: 1010, category: 'ambient', packSize: 10 },
    { sku: 'MILK-1L', name: 'Whole milk 1 l', unitWeightG: 1035, category: 'chilled', packSize: 6 },
  ],
  shelves: [
    {
      id: '3b', aisle: '3', boardId: 'board-3b',
      slots: [
        { id: '3b-1', sku: 'OAT-1L', facings: 3, capacity: 18, reorderPoint: 6 },
        { id: '3b-2', sku: 'RICE-1KG', facings: 2, capacity: 12, reorderPoint: 4 },
      ],
    },
  ],
  cameras: [{ id: 'cam-3', slotIds: ['3b-1', '3b-2'] }],
  cases: [
    {
      id: 'case-4', name: 'Case 4 dairy multideck', aisle: '7', category: 'chilled', type: 'multideck', controllerId: 'ctl-4', setpointC: 2,
      probes: [{ id: 'probe-4a', placement: 'air' }, { id: 'probe-4p', placement: 'product' }], skus: ['MILK-1L'],
    },
  ],
});

const STORE = E2E_STORE.store.id;

export const OAT_SLOT = { slotId: '3b-1', channel: 0, sku: 'OAT-1L', unitWeightG: 1040, facings: 3 };
export const RICE_SLOT = { slotId: '3b-2', channel: 1, sku: 'RICE-1KG', unitWeightG: 1010, facings: 2 };

/** Readings a device would send, with the ids the gateway gives them (device id + sequence). */
export class ReadingFactory {
  private seq = 1;
  constructor(private readonly t0: number) {}

  private next(): number {
    return this.seq++;
  }

  /** Weight board reading of one slot holding `units`. */
  weight(atMin: number, slot: { slotId: string; channel: number; sku: string; unitWeightG: number }, units: number): Reading {
    const seq = this.next();
    const grams = units * slot.unitWeightG;
    return {
      id: `board-3b:${seq}:ch${slot.channel}`,
      storeId: STORE,
      deviceId: 'board-3b',
      ts: this.t0 + atMin * 60_000,
      kind: 'shelf.weight',
      shelfId: '3b',
      slotId: slot.slotId,
      sku: slot.sku,
      channel: slot.channel,
      rawCounts: Math.round(grams * 10),
      grams,
      units,
      stable: true,
      fault: null,
    };
  }

  camera(atMin: number, slotId: string, seen: { sku: string | null; facings: number; gap: boolean }): Reading {
    const seq = this.next();
    return {
      id: `cam-3:${seq}:${slotId}`,
      storeId: STORE,
      deviceId: 'cam-3',
      ts: this.t0 + atMin * 60_000,
      kind: 'camera.slot',
      shelfId: '3b',
      slotId,
      skuSeen: seen.sku,
      facings: seen.facings,
      gap: seen.gap,
      confidence: 0.97,
    };
  }

  probe(atMin: number, placement: 'air' | 'product', tempC: number): Reading {
    const seq = this.next();
    const deviceId = placement === 'air' ? 'probe-4a' : 'probe-4p';
    return {
      id: `${deviceId}:${seq}`,
      storeId: STORE,
      deviceId,
      ts: this.t0 + atMin * 60_000,
      kind: 'probe.temperature',
      caseId: 'case-4',
      placement,
      tempC,
      fault: null,
      batteryPct: 90,
      rssiDbm: -60,
    };
  }

  caseAir(atMin: number, tempC: number): Reading {
    const ts = this.t0 + atMin * 60_000;
    return { id: `ctl-4:air:${ts}`, storeId: STORE, deviceId: 'ctl-4', ts, kind: 'case.air_temperature', caseId: 'case-4', tempC };
  }

  defrost(atMin: number, active: boolean): Reading {
    const ts = this.t0 + atMin * 60_000;
    return { id: `ctl-4:defrost:${ts}`, storeId: STORE, deviceId: 'ctl-4', ts, kind: 'case.defrost', caseId: 'case-4', active };
  }

  door(atMin: number, open: boolean): Reading {
    const ts = this.t0 + atMin * 60_000;
    return { id: `ctl-4:door:${ts}`, storeId: STORE, deviceId: 'ctl-4', ts, kind: 'case.door', caseId: 'case-4', open };
  }

  /**
   * Whole minutes of the store as every device reports them: each slot's weight (the gateway's
   * heartbeat) and camera view, the case air and both probes. The rules decide a minute once
   * every device has reported past it, so the browser tests send whole minutes.
   */
  minutes(from: number, to: number, state: { oat: number; rice: number; airC?: (m: number) => number; productC?: (m: number) => number }): Reading[] {
    const out: Reading[] = [];
    for (let m = from; m <= to; m++) {
      for (const [slot, units] of [[OAT_SLOT, state.oat], [RICE_SLOT, state.rice]] as const) {
        out.push(this.weight(m, slot, units), this.camera(m, slot.slotId, units === 0 ? { sku: null, facings: 0, gap: true } : { sku: slot.sku, facings: Math.min(units, slot.facings), gap: false }));
      }
      const air = state.airC?.(m) ?? 2 + (m % 3) * 0.2;
      // The product simulant's last digit flickers with its noise.
      const product = (state.productC?.(m) ?? 3) + (m % 2) * 0.1;
      out.push(this.caseAir(m, air), this.probe(m, 'air', Math.round((air + 0.1 + (m % 4) * 0.1) * 10) / 10), this.probe(m, 'product', Math.round(product * 100) / 100));
    }
    return out;
  }
}


