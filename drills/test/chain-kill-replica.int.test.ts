import { waitUntil } from '@shelfwatch/test-support';
import { describe, expect, it } from 'vitest';
import { runningChainDrill } from './support/chain-drill.js';

/**
 * Backend replicas on the one database. With one, the killed replica is started again (where
 * the gateways and the feed client expect it); with more, the others take its stores over.
 */
const REPLICAS: number = 2;
const STORES = 20;
/** Minutes of every store's day; the replica is killed once minute KILL_AT is reported (and, alone, restarted after RESTART_AT). */
const MINUTES = 30;
const KILL_AT = 12;
const RESTART_AT = 15;
/** The replica every gateway and the feed client use first. */
const VICTIM = 0;

describe('chain drill: kill -9 of a backend replica mid-stream', () => {
  const chain = runningChainDrill({ replicas: REPLICAS, stores: STORES, seed: 41 });

  it('every reading is stored once, no task is lost or doubled, each webhook goes out once, the feed resumes without a gap', async () => {
    for (let m = 0; m < MINUTES; m++) {
      await chain.fleet.report(m, m);
      if (m === KILL_AT) {
        // The feed client is following the victim and has events to resume after.
        await waitUntil(() => chain.feed.events.length > 0, { timeoutMs: 60_000, what: 'the first task event on the feed' });
        await chain.replicas.kill(VICTIM);
      }
      if (m === RESTART_AT && REPLICAS === 1) {
        // The minutes reported since the kill have found it gone.
        await waitUntil(() => chain.fleet.failing() > 0, { timeoutMs: 60_000, what: 'a gateway to find the replica gone' });
        await chain.replicas.start(VICTIM);
      }
    }
    const record = await chain.settle();

    chain.expectReconciled(record, MINUTES);
    // The feed client connected again after the kill: to another replica when there is one.
    const [first, ...after] = chain.feed.connections;
    expect(first).toBe(chain.replicas.urls[VICTIM]);
    expect(after.length).toBeGreaterThan(0);
    if (REPLICAS > 1) {
      expect(after[0]).not.toBe(first);
      expect(chain.fleet.failovers()).toBeGreaterThan(0);
    }
  });
});
