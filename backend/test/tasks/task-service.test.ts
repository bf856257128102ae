import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '@shelfwatch/contracts';
import { Listeners, ManualClock } from '@shelfwatch/service-kit';
import type { Condition } from '../../src/rules/types.js';
import type { TaskRepo } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';
import { DEFAULT_ESCALATION_MIN } from '../../src/tasks/task-state.js';
import { TaskService, type TaskCommit } from '../../src/tasks/task-service.js';
import { outOfStock } from '../support/conditions.js';
import { fixtureLayout } from '../support/fixture-layout.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

async function setup() {
  const storage = openSqliteStorage(':memory:');
  await storage.transaction((tx) => tx.catalog.seedLayout(fixtureLayout()));
  const logger = pino({ level: 'silent' });
  const committed = new Listeners<TaskCommit>(logger, 'tasks');
  const published: TaskEvent[] = [];
  committed.subscribe((c) => published.push(...c.events));
  const clock = new ManualClock(T0);
  let n = 0;
  const service = new TaskService({ storage, committed, clock, escalationMin: DEFAULT_ESCALATION_MIN, logger, newId: () => `task-${++n}` });
  return { storage, service, published, clock };
}


describe('TaskService', () => {
  it('keeps one active task per (kind, location) and starts a new one after it closes', async () => {
    const { service, storage } = await setup();
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: outOfStock() }]));
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0 + MIN, condition: { ...outOfStock(), severity: 'critical' } }]));
    expect(await storage.tasks.list({})).toHaveLength(1);
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'clear', at: T0 + 2 * MIN, storeId: 'store-1', kind: 'out_of_stock', locationKey: 'slot:slot-3b-1', reason: 'restocked' }]));
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0 + 3 * MIN, condition: outOfStock() }]));
    const all = await storage.tasks.list({});
    expect(all.map((t) => t.status).sort()).toEqual(['open', 'resolved']);
    expect((await service.withHistory('task-1')).history.map((h) => h.action)).toEqual(['raised', 'updated', 'resolved']);
  });

  it('publishes only committed events, in seq order, and nothing when the unit of work throws', async () => {
    const { service, published, storage } = await setup();
    await expect(
      service.unitOfWork(async (uow) => {
        await service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: outOfStock() }]);
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(published).toHaveLength(0);
    expect(await storage.tasks.list({})).toHaveLength(0);
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: outOfStock('slot-3b-1') }, { type: 'assert', at: T0, condition: outOfStock('slot-3b-2') }]));
    expect(published.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('escalates unacknowledged tasks on event time, catching up several levels at once', async () => {
    const { service, published } = await setup();
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: outOfStock() }]));
    await service.unitOfWork((uow) => service.escalate(uow, 'store-1', T0 + 29 * MIN));
    expect(published.filter((e) => e.type === 'escalated')).toHaveLength(0);
    await service.unitOfWork((uow) => service.escalate(uow, 'store-1', T0 + 65 * MIN));
    expect(published.filter((e) => e.type === 'escalated').map((e) => e.task.escalationLevel)).toEqual([2]);
    await service.acknowledge('task-1', 'alice', T0 + 66 * MIN);
    await service.unitOfWork((uow) => service.escalate(uow, 'store-1', T0 + 600 * MIN));
    expect(published.filter((e) => e.type === 'escalated')).toHaveLength(1);
  });

  it('reads the open tasks only when one is due, yet escalates a task raised or rolled back meanwhile on time', async () => {
    const { service, published, storage } = await setup();
    let reads = 0;
    const transaction = storage.transaction.bind(storage);
    storage.transaction = (fn) =>
      transaction((tx) => {
        const unacknowledged: TaskRepo['unacknowledged'] = (storeId) => (reads++, tx.tasks.unacknowledged(storeId));
        return fn({ ...tx, tasks: new Proxy(tx.tasks, { get: (target, key) => (key === 'unacknowledged' ? unacknowledged : (Reflect.get(target, key) as unknown)) }) });
      });
    const escalatedLevels = () => published.filter((e) => e.type === 'escalated').map((e) => [e.task.locationKey, e.task.escalationLevel]);
    const period = DEFAULT_ESCALATION_MIN.out_of_stock * MIN;
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: outOfStock('slot-3b-1') }]));
    for (let m = 1; m < 10; m++) await service.unitOfWork((uow) => service.escalate(uow, 'store-1', T0 + m * MIN));
    expect(reads).toBe(1);
    // Raised later but with a shorter escalation period: it brings the next look forward.
    const excursion: Condition = { ...outOfStock('slot-3b-2'), kind: 'temperature_excursion', locationKey: 'case:c1' };
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0 + 10 * MIN, condition: excursion }]));
    const excursionDue = T0 + 10 * MIN + DEFAULT_ESCALATION_MIN.temperature_excursion * MIN;
    expect(excursionDue).toBeLessThan(T0 + period);
    await service.unitOfWork((uow) => service.escalate(uow, 'store-1', excursionDue));
    expect(escalatedLevels()).toEqual([['case:c1', 1]]);
    // A unit of work that escalated and then failed: nothing happened, so the next look finds it due again.
    await expect(
      service.unitOfWork(async (uow) => {
        await service.escalate(uow, 'store-1', T0 + period);
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    await service.unitOfWork((uow) => service.escalate(uow, 'store-1', T0 + period));
    expect(escalatedLevels()).toEqual([
      ['case:c1', 1],
      ['slot:slot-3b-1', 1],
    ]);
  });

  it('escalates once, straight to the level due, when event time jumps to the year 2100', async () => {
    const { service, published, storage } = await setup();
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: outOfStock('slot-3b-1') }, { type: 'assert', at: T0, condition: outOfStock('slot-3b-2') }]));
    // Work must not grow with the jump: a walk level by level would write millions of rows
    // in one transaction (and never return). Fail fast instead of hanging if it does.
    let updates = 0;
    const transaction = storage.transaction.bind(storage);
    storage.transaction = (fn) =>
      transaction((tx) => {
        const update: TaskRepo['update'] = async (task, expected) => {
          if (++updates > 10) throw new Error(`runaway escalation: more than 10 task updates for one jump`);
          return tx.tasks.update(task, expected);
        };
        return fn({ ...tx, tasks: new Proxy(tx.tasks, { get: (target, key) => (key === 'update' ? update : (Reflect.get(target, key) as unknown)) }) });
      });
    const year2100 = Date.UTC(2100, 0, 1);
    await service.unitOfWork((uow) => service.escalate(uow, 'store-1', year2100));
    const escalated = published.filter((e) => e.type === 'escalated');
    const due = Math.floor((year2100 - T0) / (DEFAULT_ESCALATION_MIN.out_of_stock * MIN));
    expect(escalated.map((e) => e.task.escalationLevel)).toEqual([due, due]);
    expect(updates).toBe(2);
  });

  it('puts a delivery into the backroom when its receive task is done', async () => {
    const { service, storage } = await setup();
    const id = await service.unitOfWork(async (uow) => {
      const taskId = await service.assert(uow, { ...outOfStock(), kind: 'delivery_receive', locationKey: 'delivery:dairyco:d1' }, T0);
      await uow.tx.deliveries.insert({ deliveryId: 'd1', supplierId: 'dairyco', storeId: 'store-1', requestId: null, expectedAt: T0, lines: [{ sku: 'MILK-1L', quantity: 12 }], taskId, receivedAt: null });
      return taskId;
    });
    expect(await storage.catalog.backroomUnits('store-1', 'MILK-1L')).toBe(0);
    await service.complete(id, 'alice', T0 + MIN, 'all 12 in the cold room');
    expect(await storage.catalog.backroomUnits('store-1', 'MILK-1L')).toBe(12);
    expect((await storage.deliveries.get('dairyco', 'd1'))?.receivedAt).toBe(T0 + MIN);
  });
});

describe('TaskRepo.forCase (audit reports)', () => {
  it('returns the case tasks active at some point in the period', async () => {
    const { service, storage } = await setup();
    const excursion = (): Condition => ({ ...outOfStock(), kind: 'temperature_excursion', locationKey: 'case:case-4', location: { caseId: 'case-4', label: 'Case 4' } });
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: excursion() }]));
    await service.complete('task-1', 'alice', T0 + 30 * MIN, 'moved stock');
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0 + 120 * MIN, condition: excursion() }]));
    await service.unitOfWork((uow) => service.applyDecisions(uow, [{ type: 'assert', at: T0, condition: outOfStock() }]));
    expect((await storage.tasks.forCase('case-4', T0 - MIN, T0 + 10 * MIN)).map((t) => t.id)).toEqual(['task-1']);
    expect((await storage.tasks.forCase('case-4', T0 + 60 * MIN, T0 + 200 * MIN)).map((t) => t.id)).toEqual(['task-2']);
    expect((await storage.tasks.forCase('case-4', T0, T0 + 200 * MIN, 'store-1')).map((t) => t.note)).toEqual(['moved stock', null]);
    expect(await storage.tasks.forCase('case-9', T0, T0 + 200 * MIN)).toEqual([]);
  });
});
