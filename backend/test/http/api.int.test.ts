/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- response bodies are untyped JSON checked with expect() */
import { TaskWithHistory } from '@shelfwatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, TOKENS, type Harness } from '../support/harness.js';
import { cameraGap, probe, weight, RECENT_T0 } from '../support/readings.js';
import { scriptedEngines } from '../support/scripted-engine.js';
import { SseClient } from '../support/sse-client.js';

const T0 = RECENT_T0;
const MIN = 60_000;

describe('backend HTTP API (scripted rules)', () => {
  let h: Harness;
  const rules = scriptedEngines();
  const streams: SseClient[] = [];
  const stream = async (query = '', headers: Record<string, string> = {}) => {
    const s = await SseClient.open(`${h.backend.url}/api/v1/alerts/stream${query}`, { authorization: `Bearer ${TOKENS.staff}`, ...headers });
    streams.push(s);
    return s;
  };
  const ingest = (readings: unknown[], token = TOKENS.device) => h.req('POST', '/api/v1/ingest', { token, body: { gatewayId: 'gw-1', readings } });

  beforeAll(async () => {
    h = await makeHarness();
    await h.start({ createRuleEngine: rules.create, heartbeatMs: 50 });
  });
  afterAll(async () => {
    for (const s of streams) await s.close();
    await h.stop();
    await h.dir.remove();
  });

  it('ingest raises a task that arrives on the SSE feed', async () => {
    const feed = await stream();
    const res = await ingest([weight(T0, 5), weight(T0 + MIN, 0)]);
    expect(res).toEqual({ status: 200, body: { accepted: 2, duplicates: 0, rejected: 0 } });
    const event = await feed.nextTask((e) => e.type === 'raised' && e.task.kind === 'out_of_stock');
    expect(event.task).toMatchObject({ storeId: 'store-1', status: 'open', locationKey: 'slot:slot-3b-1', raisedAt: T0 + MIN, title: 'Out of stock: Oat milk 1 l' });
    expect(feed.messages.find((m) => m.event === 'task')?.id).toBe(String(event.seq));
    const list = await h.req('GET', '/api/v1/tasks?status=open&kind=out_of_stock&store=store-1', { token: TOKENS.staff });
    expect(list.body.tasks).toHaveLength(1);
  });

  it('the same batch twice is counted as duplicates and raises nothing new', async () => {
    const batch = [probe(T0 + 2 * MIN, 9.5), probe(T0 + 3 * MIN, 10)];
    const first = await ingest(batch);
    const again = await ingest(batch);
    expect(first.body).toEqual({ accepted: 2, duplicates: 0, rejected: 0 });
    expect(again.body).toEqual({ accepted: 0, duplicates: 2, rejected: 0 });
    const tasks = await h.req('GET', '/api/v1/tasks?kind=temperature_excursion', { token: TOKENS.ops });
    expect(tasks.body.tasks).toHaveLength(1);
    const engine = rules.engines[0]!;
    expect(engine.seen.filter((r) => batch.some((b) => b.id === r.id))).toHaveLength(2);
  });

  it('ack and done update the task, its history and the feed; done carries the note', async () => {
    const feed = await stream();
    const { body } = await h.req('GET', '/api/v1/tasks?kind=temperature_excursion&status=open', { token: TOKENS.staff });
    const id = body.tasks[0].id as string;
    const ack = await h.req('POST', `/api/v1/tasks/${id}/ack`, { token: TOKENS.staff });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });
    await feed.nextTask((e) => e.type === 'acknowledged' && e.task.id === id);
    const done = await h.req('POST', `/api/v1/tasks/${id}/done`, { token: TOKENS.staff, body: { note: 'door was open; closed it, product 4 °C' } });
    expect(done.status).toBe(200);
    const task = TaskWithHistory.parse(done.body);
    expect(task).toMatchObject({ status: 'done', closedBy: 'alice', note: 'door was open; closed it, product 4 °C' });
    expect(task.history.map((x) => [x.action, x.by])).toEqual([
      ['raised', 'system'],
      ['acknowledged', 'alice'],
      ['done', 'alice'],
    ]);
    await feed.nextTask((e) => e.type === 'done' && e.task.id === id);
    const again = await h.req('POST', `/api/v1/tasks/${id}/done`, { token: TOKENS.staff, body: {} });
    expect(again.status).toBe(409);
    const one = await h.req('GET', `/api/v1/tasks/${id}`, { token: TOKENS.ops });
    expect(TaskWithHistory.parse(one.body).version).toBe(3);
  });

  it('a cleared condition auto-resolves the task', async () => {
    const feed = await stream();
    await ingest([weight(T0 + 4 * MIN, 6)]);
    const e = await feed.nextTask((x) => x.type === 'resolved' && x.task.kind === 'out_of_stock');
    expect(e.task).toMatchObject({ status: 'resolved', closedBy: 'system' });
  });

  it('resumes from Last-Event-ID (header or query) with exactly the missed events', async () => {
    const before = (await h.req('GET', '/healthz')).body.lastSeq as number;
    await ingest([weight(T0 + 5 * MIN, 0, { slotId: 'slot-3b-2', sku: 'BREAD-500', channel: 1 })]);
    await ingest([weight(T0 + 6 * MIN, 4, { slotId: 'slot-3b-2', sku: 'BREAD-500', channel: 1 })]);
    const viaHeader = await stream('', { 'last-event-id': String(before) });
    const raised = await viaHeader.nextTask((e) => e.type === 'raised');
    const resolved = await viaHeader.nextTask((e) => e.type === 'resolved');
    expect([raised.seq, resolved.seq]).toEqual([before + 1, before + 2]);
    const viaQuery = await SseClient.open(`${h.backend.url}/api/v1/alerts/stream?lastEventId=${before + 1}&access_token=${TOKENS.ops}`);
    streams.push(viaQuery);
    expect((await viaQuery.nextTask((e) => e.type === 'resolved')).seq).toBe(before + 2);
    expect(viaQuery.taskEvents().map((e) => e.seq)).toEqual([before + 2]);
  });

  it('sends heartbeat comments on an idle stream', async () => {
    const feed = await stream();
    const { waitUntil } = await import('@shelfwatch/test-support');
    await waitUntil(() => feed.comments.some((c) => c.startsWith('heartbeat')), { what: 'a heartbeat comment' });
  });

  it('answers 401 for missing or unknown tokens and 403 for the wrong role or store', async () => {
    expect((await h.req('GET', '/api/v1/tasks')).status).toBe(401);
    expect((await h.req('GET', '/api/v1/tasks', { token: 'not-a-real-token-at-all' })).status).toBe(401);
    expect((await h.req('GET', '/api/v1/tasks', { token: TOKENS.device })).status).toBe(403);
    expect((await ingest([weight(T0, 3)], TOKENS.staff)).status).toBe(403);
    expect((await h.req('POST', '/api/v1/deliveries', { token: TOKENS.staff, body: {} })).status).toBe(403);
    expect((await h.req('GET', '/api/v1/stores/store-1/cases', { token: TOKENS.otherStoreStaff })).status).toBe(403);
    const sse = await SseClient.open(`${h.backend.url}/api/v1/alerts/stream`);
    expect(sse.status).toBe(401);
    const list = await h.req('GET', '/api/v1/tasks', { token: TOKENS.otherStoreStaff });
    expect(list.body.tasks).toEqual([]);
  });

  it('rejects invalid input with 400 and a message naming the problem', async () => {
    const bad = await ingest([{ ...weight(T0, 1), units: -3 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('units');
    const notJson = await fetch(`${h.backend.url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.device}`, 'content-type': 'application/json' }, body: '{"gatewayId":' });
    expect(notJson.status).toBe(400);
    const q = await h.req('GET', '/api/v1/tasks?status=sleeping', { token: TOKENS.staff });
    expect(q.status).toBe(400);
    expect(q.body.message).toContain('status');
    const note = await h.req('POST', '/api/v1/tasks/nope/done', { token: TOKENS.staff, body: { note: 5 } });
    expect(note.status).toBe(404);
    const foreignStore = await ingest([{ ...weight(T0, 1), storeId: 'store-9' }]);
    expect(foreignStore.status).toBe(403);
    expect(foreignStore.body.message).toContain('store-9');
    const unknownStore = await ingest([{ ...weight(T0, 1), storeId: 'store-9' }], TOKENS.anyDevice);
    expect(unknownStore.body).toEqual({ accepted: 0, duplicates: 0, rejected: 1 });
  });

  it('imports a planogram CSV, or lists the bad rows with 422 and imports nothing', async () => {
    const header = 'store_id,shelf_id,aisle,slot_id,channel,sku,facings,capacity,reorder_point';
    const bad = await h.req('POST', '/api/v1/stores/store-1/planogram.csv', {
      token: TOKENS.ops,
      text: `${header}\nstore-1,shelf-7,7,slot-7-1,0,MILK-1L,2,10,3\nstore-1,shelf-7,7,slot-7-2,1,GHOST,2,10,3\nstore-1,shelf-7,7,slot-7-3,2,MILK-1L,2,10,30\n`,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.map((d: { row: number }) => d.row)).toEqual([3, 4]);
    expect(bad.body.message).toContain('row 3');
    const before = await h.req('GET', '/api/v1/stores/store-1/planogram', { token: TOKENS.staff });
    expect(before.body.shelves.map((s: { id: string }) => s.id)).toEqual(['shelf-3b']);
    const good = await h.req('POST', '/api/v1/stores/store-1/planogram.csv', { token: TOKENS.ops, text: `${header}\nstore-1,shelf-7,7,slot-7-1,0,MILK-1L,2,10,3\n` });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ shelves: 1, slots: 1 });
    const view = await h.req('GET', '/api/v1/stores/store-1/shelves/shelf-7', { token: TOKENS.staff });
    expect(view.body.slots[0]).toMatchObject({ slotId: 'slot-7-1', plannedSku: 'MILK-1L', reorderPoint: 3 });
    expect((await h.req('POST', '/api/v1/stores/store-1/planogram.csv', { token: TOKENS.staff, text: header })).status).toBe(403);
    const json = await h.req('PUT', '/api/v1/stores/store-1/planogram', { token: TOKENS.ops, body: { shelves: [{ id: 'shelf-7', aisle: '7', slots: [{ id: 'slot-3b-1', channel: 0, sku: 'MILK-1L', facings: 1, capacity: 5, reorderPoint: 1 }] }] } });
    expect(json.status).toBe(422);
    expect(json.body.message).toContain('duplicate slot');
  });

  it('a supplier delivery creates one receive task; done puts the goods in the backroom', async () => {
    const body = { storeId: 'store-1', deliveryId: 'dlv-1', expectedAt: T0 + 60 * MIN, lines: [{ sku: 'MILK-1L', quantity: 12 }] };
    const created = await h.req('POST', '/api/v1/deliveries', { token: TOKENS.dairy, body });
    expect(created.status).toBe(201);
    const repeat = await h.req('POST', '/api/v1/deliveries', { token: TOKENS.dairy, body });
    expect(repeat.body).toMatchObject({ duplicate: true, taskId: created.body.taskId });
    const foreign = await h.req('POST', '/api/v1/deliveries', { token: TOKENS.bakery, body: { ...body, deliveryId: 'dlv-2' } });
    expect(foreign.status).toBe(422);
    expect(foreign.body.message).toContain('not supplied by');
    const task = await h.req('GET', `/api/v1/tasks/${created.body.taskId as string}`, { token: TOKENS.staff });
    expect(task.body).toMatchObject({ kind: 'delivery_receive', status: 'open', products: [{ sku: 'MILK-1L', name: 'Oat milk 1 l' }] });
    await h.req('POST', `/api/v1/tasks/${created.body.taskId as string}/done`, { token: TOKENS.staff, body: { note: 'received 12' } });
    const backroom = await h.req('GET', '/api/v1/stores/store-1/backroom', { token: TOKENS.staff });
    expect(backroom.body.lines).toContainEqual({ sku: 'MILK-1L', units: 12 });
    // Staff restock the shelf from the backroom: the shelf's rise (6 → 10 units) leaves the backroom.
    await ingest([weight(T0 + 70 * MIN, 10)]);
    const after = await h.req('GET', '/api/v1/stores/store-1/backroom', { token: TOKENS.staff });
    expect(after.body.lines).toContainEqual({ sku: 'MILK-1L', units: 8 });
    const mine = await h.req('GET', '/api/v1/products', { token: TOKENS.bakery });
    expect(mine.body.products.map((p: { sku: string }) => p.sku)).toEqual(['BREAD-500']);
    const deliveries = await h.req('GET', '/api/v1/deliveries', { token: TOKENS.bakery });
    expect(deliveries.body.deliveries).toEqual([]);
  });

  it('a replenish decision is logged in the supplier-scoped delivery log', async () => {
    await ingest([cameraGap(T0 + 10 * MIN, 'slot-3b-2')]);
    const bakery = await h.req('GET', '/api/v1/webhooks/deliveries', { token: TOKENS.bakery });
    expect(bakery.body.messages).toHaveLength(1);
    expect(bakery.body.messages[0]).toMatchObject({ supplierId: 'bakery', type: 'replenishment.requested', payload: { data: { storeId: 'store-1', lines: [{ sku: 'BREAD-500' }] } } });
    const dairy = await h.req('GET', '/api/v1/webhooks/deliveries?supplier=bakery', { token: TOKENS.dairy });
    expect(dairy.body.messages).toEqual([]);
  });

  it('serves OpenAPI generated from the schemas, health and metrics', async () => {
    const doc = await h.req('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/alerts/stream');
    expect(doc.body.components.schemas.Task.properties.kind.enum).toContain('out_of_stock');
    expect(doc.body.components.schemas.IngestBatch.properties.readings.maxItems).toBe(5000);
    expect((await h.req('GET', '/healthz')).body.status).toBe('ok');
    const metrics = await h.req('GET', '/metrics');
    expect(metrics.body).toMatch(/shelfwatch_backend_readings_total\{result="duplicate"\} 2/);
    expect((await h.req('GET', '/api/v1/nothing', { token: TOKENS.staff })).status).toBe(404);
  });
});
