/** What one device's credentials hold on the broker right now. */
interface Holding {
  connections: number;
  subscriptions: number;
}

/**
 * Per-credential caps: how many connections and subscriptions one device may hold at
 * once, so stolen or buggy credentials cannot exhaust the broker. Pure bookkeeping; the
 * broker input calls it from aedes' hooks and the connections' close events.
 */
export class DeviceSessions {
  private readonly held = new Map<string, Holding>();

  constructor(private readonly limits: { maxConnections: number; maxSubscriptions: number }) {}

  /** Takes a connection slot for the device; false when it already holds its maximum. */
  connect(deviceId: string): boolean {
    const h = this.holding(deviceId);
    if (h.connections >= this.limits.maxConnections) return false;
    h.connections += 1;
    return true;
  }

  /** A connection closed, with the subscriptions it held. */
  disconnect(deviceId: string, subscriptions: number): void {
    const h = this.holding(deviceId);
    h.connections = Math.max(0, h.connections - 1);
    h.subscriptions = Math.max(0, h.subscriptions - subscriptions);
    if (h.connections === 0 && h.subscriptions === 0) this.held.delete(deviceId);
  }

  /** Takes a subscription slot; false at the maximum. */
  subscribe(deviceId: string): boolean {
    const h = this.holding(deviceId);
    if (h.subscriptions >= this.limits.maxSubscriptions) return false;
    h.subscriptions += 1;
    return true;
  }

  unsubscribe(deviceId: string, n = 1): void {
    const h = this.holding(deviceId);
    h.subscriptions = Math.max(0, h.subscriptions - n);
  }

  private holding(deviceId: string): Holding {
    let h = this.held.get(deviceId);
    if (!h) {
      h = { connections: 0, subscriptions: 0 };
      this.held.set(deviceId, h);
    }
    return h;
  }
}
