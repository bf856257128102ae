import type { Task } from '@shelfwatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './support/harness.js';

describe('backend stats()', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness();
    await h.start();
  });
  afterAll(async () => {
    await h?.stop();
    await h?.dir.remove();
  });

  it('counts every open and acknowledged task, however many there are', async () => {
    const { storage } = h.backend.context;
    const template = { storeId: 'store-1', kind: 'low_stock', severity: 'info', title: 't', action: 'a', reason: 'r', evidence: [], version: 1, raisedAt: 0, updatedAt: 0 };
    const active = 100_001;
    await storage.transaction(async (tx) => {
      for (let i = 0; i < active + 10; i++) {
        const status = i >= active ? 'done' : i % 2 === 0 ? 'open' : 'acknowledged';
        await tx.tasks.insert({ ...template, id: `task_${i}`, locationKey: `slot:s-${i}`, status } as unknown as Task);
      }
    });
    expect((await h.backend.stats()).openTasks).toBe(active);
  });
});
