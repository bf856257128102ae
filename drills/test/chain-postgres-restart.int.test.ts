import { waitUntil } from '@shelfwatch/test-support';
import { describe, expect, it } from 'vitest';
import { runningChainDrill } from './support/chain-drill.js';

/** Backend replicas on the one database (the drill holds for any count). */
const REPLICAS: number = 2;
const STORES = 20;
/** Minutes of every store's day: the database goes down after OUTAGE_FROM and comes back after OUTAGE_TO. */
const MINUTES = 30;
const OUTAGE_FROM = 10;
const OUTAGE_TO = 20;

describe('chain drill: PostgreSQL restarted under load', () => {
  const chain = runningChainDrill({ replicas: REPLICAS, stores: STORES, seed: 14 });

  it('the replicas recover without a restart, the gateways catch up, and nothing is lost or doubled', async () => {
    const pids = Array.from({ length: REPLICAS }, (_, i) => chain.replicas.pid(i));
    for (let m = 0; m < MINUTES; m++) {
      // The stores report minute by minute while their gateways deliver: the database dies mid-stream.
      await chain.fleet.report(m, m);
      if (m === OUTAGE_FROM) await chain.pg.stopServer('immediate');
      if (m === OUTAGE_TO) {
        // Every store's gateway has met the outage before the database comes back.
        await waitUntil(() => chain.fleet.failing() === STORES, { timeoutMs: 60_000, what: `every store's backend sink to fail (${chain.fleet.failing()} of ${STORES})` });
        // The replicas answer, and say they cannot work.
        for (let i = 0; i < REPLICAS; i++) expect(await chain.replicas.health(i), `replica ${i} /healthz during the outage`).toBeGreaterThanOrEqual(500);
        await chain.pg.startServer();
      }
    }
    const record = await chain.settle();

    for (let i = 0; i < REPLICAS; i++) {
      expect(chain.replicas.alive(i), `replica ${i} still running`).toBe(true);
      expect(chain.replicas.pid(i), `replica ${i} never restarted`).toBe(pids[i]);
      expect(await chain.replicas.health(i), `replica ${i} /healthz`).toBe(200);
    }
    chain.expectReconciled(record, MINUTES);
  });
});
