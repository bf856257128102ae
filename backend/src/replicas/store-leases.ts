import type { Logger } from 'pino';
import type { Lease, Replica, Repos, Storage } from '../storage/ports.js';

export interface StoreLeasesContext {
  storage: Storage;
  replica: Replica;
  /** How long a lease lasts unrenewed: a dead replica's stores are taken over after at most this plus one round. */
  leaseMs: number;
  logger: Logger;
  /** Between units of work: this replica now runs the store (rebuild its rule state by replay). */
  gained(storeId: string): Promise<void>;
  /** Between units of work: it no longer does (forget the store's rule state). */
  lost(storeId: string): Promise<void>;
}

/**
 * Which stores' rules run on this replica: it keeps leases in the shared database, renewing
 * them every round (a third of the lease), and each unit of work that runs a store's rules
 * confirms its lease inside the transaction, so a replica that stalled past its lease (a GC
 * pause, a partition) cannot write decisions for a store another one has taken over.
 */
export class StoreLeases {
  private readonly held = new Map<string, Lease>();
  takeovers = 0;

  constructor(private readonly ctx: StoreLeasesContext) {}

  get roundMs(): number {
    return Math.max(100, Math.floor(this.ctx.leaseMs / 3));
  }

  /** The lease this replica holds on the store (its rules run here), if any. */
  leaseOf(storeId: string): Lease | undefined {
    return this.held.get(storeId);
  }

  /** One round: renew, give back, claim; then rebuild the stores gained and forget the ones lost. */
  async keep(): Promise<void> {
    const now = await this.ctx.storage.transaction((tx) => tx.leases.keep(this.ctx.replica, this.ctx.leaseMs));
    const next = new Map(now.map((l) => [l.storeId, l]));
    for (const [storeId, lease] of this.held) {
      if (next.get(storeId)?.since !== lease.since) await this.drop(storeId, 'lease given back or lost');
    }
    for (const lease of now) {
      if (this.held.get(lease.storeId)?.since === lease.since) continue;
      // Rule state first, then the lease: no unit of work runs the store on a half-built engine.
      await this.ctx.gained(lease.storeId);
      this.held.set(lease.storeId, lease);
      this.takeovers++;
      this.ctx.logger.info({ storeId: lease.storeId, replica: this.ctx.replica.id }, 'store taken: its rules run here');
    }
  }

  /**
   * Inside a unit of work: which of the stores this replica runs and still holds. A store whose
   * lease is gone is dropped here at once (its engine is forgotten after the unit of work).
   */
  async confirm(tx: Repos, storeIds: Iterable<string>): Promise<Set<string>> {
    const mine = [...new Set(storeIds)].flatMap((id) => this.held.get(id) ?? []);
    const confirmed = await tx.leases.confirm(this.ctx.replica.id, mine);
    for (const lease of mine) {
      if (!confirmed.has(lease.storeId)) {
        this.held.delete(lease.storeId);
        this.ctx.logger.warn({ storeId: lease.storeId }, 'store lease lost (another replica took it over): its readings wait for that one');
        void this.ctx.lost(lease.storeId).catch((err: unknown) => this.ctx.logger.error({ err, storeId: lease.storeId }, 'forgetting a lost store failed'));
      }
    }
    return confirmed;
  }

  /** Stops running the store here until the next round finds its lease held and rebuilds it. */
  forget(storeId: string): void {
    this.held.delete(storeId);
  }

  /** A clean shutdown: give every lease back so the other replicas take the stores over at once. */
  async releaseAll(): Promise<void> {
    this.held.clear();
    await this.ctx.storage.leases.releaseAll(this.ctx.replica.id);
  }

  private async drop(storeId: string, why: string): Promise<void> {
    this.held.delete(storeId);
    await this.ctx.lost(storeId);
    this.ctx.logger.info({ storeId, why }, 'store left: its rules no longer run here');
  }
}
