import type { TimelineHandlers } from './types.js';

/** Shelves and the people around them: shoppers, staff, suppliers. */
export const SHELF_EVENTS: TimelineHandlers<
  'misplace_product' | 'set_facings' | 'push_back' | 'shopper_lift' | 'shopper_lean' | 'delivery' | 'rush' | 'restock'
> = {
  misplace_product: (world, event, at) => {
    const s = world.slots.get(event.slotId)!;
    world.addMisplaced(s, world.product(event.sku), event.units, at, 'misplace', event.soldPerHour / 3600);
    if (event.forS !== undefined) world.schedule(at + Math.round(event.forS * 1000), (endAt) => world.clearMisplaced(s, endAt));
  },
  set_facings: (world, event, at) => {
    const s = world.slots.get(event.slotId)!;
    const before = s.facingsActual;
    s.facingsActual = Math.min(event.facings, s.slot.facings);
    world.truth.stock(s, at, 'facings');
    world.truth.slot(s, at);
    if (event.forS !== undefined) {
      world.schedule(at + Math.round(event.forS * 1000), (endAt) => {
        s.facingsActual = before;
        world.truth.slot(s, endAt);
      });
    }
  },
  push_back: (world, event, at) => {
    // Not a planogram violation in the truth: the facings are set up, the products just need pulling forward.
    const s = world.slots.get(event.slotId)!;
    world.during(
      event,
      at,
      () => {
        s.pushedBack++;
        world.truth.slot(s, at);
      },
      (endAt) => {
        s.pushedBack--;
        world.truth.slot(s, endAt);
      },
    );
  },
  shopper_lift: (world, event, at) => {
    const s = world.slots.get(event.slotId)!;
    const units = Math.min(event.units, s.units - s.lifted);
    if (units <= 0) return;
    const grams = units * s.product.unitWeightG;
    const key = `${s.slot.id}:lift:${at}`;
    const info = { slotId: s.slot.id, action: 'lift' as const, grams };
    world.during(
      event,
      at,
      () => {
        s.lifted += units;
        s.cell.change(-grams, at);
        world.truth.shopper(key, true, at, info);
      },
      (endAt) => {
        s.lifted -= units;
        s.cell.change(grams, endAt);
        world.truth.shopper(key, false, endAt, info);
      },
    );
  },
  shopper_lean: (world, event, at) => {
    const s = world.slots.get(event.slotId)!;
    const key = `${s.slot.id}:lean:${at}`;
    const info = { slotId: s.slot.id, action: 'lean' as const, grams: event.grams };
    world.during(
      event,
      at,
      () => {
        s.cell.change(event.grams, at);
        world.truth.shopper(key, true, at, info);
      },
      (endAt) => {
        s.cell.change(-event.grams, endAt);
        world.truth.shopper(key, false, endAt, info);
      },
    );
  },
  delivery: (world, event, at) => world.doDelivery(event.sku, event.units, at, 'timeline'),
  rush: (world, event, at) => {
    const rush = { multiplier: event.multiplier, skus: event.skus ? new Set(event.skus) : null };
    world.during(
      event,
      at,
      () => world.rushes.push(rush),
      () => {
        const i = world.rushes.indexOf(rush);
        if (i >= 0) world.rushes.splice(i, 1);
      },
    );
  },
  restock: (world, event, at) => {
    const planned = world.slots.get(event.slotId)!.slot.sku;
    if (event.sku !== undefined && event.sku !== planned) world.restockWrongProduct(event.slotId, event.sku, at, event.units);
    else world.doRestock(event.slotId, at, 'timeline', event.units);
  },
};
