import type { TimelineHandlers } from './types.js';

/** Whole-store events: mains power, the gateway, and the gateway's link to the backend. */
export const STORE_EVENTS: TimelineHandlers<'power_cut' | 'gateway_outage' | 'backhaul_outage'> = {
  power_cut: (world, event, at) => {
    world.fault(event, at, world.storeId, {}, () => world.powerCut++, () => world.powerCut--);
  },
  gateway_outage: (world, event, at) => {
    world.fault(event, at, 'gateway', {}, () => world.network.gatewayDown++, () => world.network.gatewayDown--);
  },
  backhaul_outage: (world, event, at) => {
    const link = { delivery: event.delivery, windowS: event.windowS };
    world.fault(
      event,
      at,
      'backhaul',
      link,
      () => (world.network.backhaul = link),
      () => (world.network.backhaul = null),
    );
  },
};
