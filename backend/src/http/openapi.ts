import {
  CaseView,
  DeliveryConfirmation,
  DoneBody,
  IngestBatch,
  IngestResponse,
  ReplenishmentRequested,
  ShelfView,
  Task,
  TaskEvent,
  TaskWithHistory,
} from '@shelfwatch/contracts';
import { z } from 'zod';
import { PlanogramImport, PlanogramImportResult, PlanogramRowError } from '../planogram/planogram-input.js';
import { ErrorBody } from '@shelfwatch/service-kit';
import { BackroomUpdate } from './routes/store-routes.js';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate
 * with (zod 4's toJSONSchema), so the document cannot drift from the code.
 */
const schemas = {
  IngestBatch,
  IngestResponse: IngestResponse.extend({ rejected: z.number().int() }),
  Task,
  TaskWithHistory,
  TaskEvent,
  TaskList: z.object({ tasks: z.array(Task) }),
  DoneBody,
  ShelfView,
  CaseView,
  CaseViews: z.array(CaseView),
  DeliveryConfirmation,
  DeliveryAccepted: z.object({ deliveryId: z.string(), taskId: z.string(), duplicate: z.boolean() }),
  ReplenishmentRequested,
  PlanogramImport,
  PlanogramImportResult,
  PlanogramRowErrors: ErrorBody.extend({ details: z.array(PlanogramRowError) }),
  BackroomUpdate,
  Error: ErrorBody,
};
type SchemaName = keyof typeof schemas;

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName) => ({ content: { 'application/json': { schema: ref(name) } } });
const err = (description: string) => ({ description, ...json('Error') });

interface Op {
  summary: string;
  roles: string[];
  body?: SchemaName;
  ok?: SchemaName;
  okStatus?: string;
  params?: { name: string; in: 'path' | 'query' | 'header'; description?: string }[];
  extra?: Record<string, unknown>;
}

function op(o: Op): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    [o.okStatus ?? '200']: o.ok ? { description: 'OK', ...json(o.ok) } : { description: 'OK' },
    '400': err('invalid input (the message lists every problem)'),
    '401': err('missing or unknown bearer token'),
    '403': err(`wrong role (needs ${o.roles.join(' or ')})`),
    ...(o.body ? { '413': err('body larger than this route takes'), '415': err('body is not application/json (nothing was done)') } : {}),
  };
  return {
    summary: o.summary,
    description: `Roles: ${o.roles.join(', ')}`,
    security: [{ bearer: [] }],
    ...(o.params ? { parameters: o.params.map((p) => ({ ...p, required: p.in === 'path', schema: { type: 'string' } })) } : {}),
    ...(o.body ? { requestBody: { required: true, ...json(o.body) } } : {}),
    responses: { ...responses, ...(o.extra ?? {}) },
  };
}

const store = { name: 'storeId', in: 'path' as const };

export function buildOpenApi(): Record<string, unknown> {
  const components = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' })]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'ShelfWatch backend', version: '1', description: 'Tasks, alert feed, planograms, deliveries and supplier webhooks.' },
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/api/v1/ingest': {
        post: op({
          summary: 'Ingest normalised readings (idempotent by reading id)',
          roles: ['device'],
          body: 'IngestBatch',
          ok: 'IngestResponse',
          extra: { '422': err('event_time_out_of_bounds: readings too far ahead of or behind the backend clock; details name each; nothing of the batch was applied') },
        }),
      },
      '/api/v1/tasks': {
        get: op({
          summary: 'List tasks',
          roles: ['staff', 'operations'],
          ok: 'TaskList',
          params: [
            { name: 'status', in: 'query', description: 'comma-separated: open,acknowledged,done,resolved' },
            { name: 'kind', in: 'query', description: 'comma-separated task kinds' },
            { name: 'store', in: 'query', description: 'comma-separated store ids' },
            { name: 'limit', in: 'query' },
          ],
        }),
      },
      '/api/v1/tasks/{id}': { get: op({ summary: 'One task with its history', roles: ['staff', 'operations'], ok: 'TaskWithHistory', params: [{ name: 'id', in: 'path' }], extra: { '404': err('no such task') } }) },
      '/api/v1/tasks/{id}/ack': { post: op({ summary: 'Acknowledge a task', roles: ['staff', 'operations'], ok: 'TaskWithHistory', params: [{ name: 'id', in: 'path' }], extra: { '404': err('no such task'), '409': err('task is closed') } }) },
      '/api/v1/tasks/{id}/done': {
        post: op({ summary: 'Mark a task done, with an optional corrective-action note', roles: ['staff', 'operations'], body: 'DoneBody', ok: 'TaskWithHistory', params: [{ name: 'id', in: 'path' }], extra: { '404': err('no such task'), '409': err('task is closed') } }),
      },
      '/api/v1/alerts/stream': {
        get: {
          ...op({ summary: 'Live task feed (Server-Sent Events: id = seq, event: task, data: TaskEvent)', roles: ['staff', 'operations'], params: [{ name: 'Last-Event-ID', in: 'header' }, { name: 'lastEventId', in: 'query' }, { name: 'access_token', in: 'query', description: 'for EventSource, which cannot send headers' }, { name: 'store', in: 'query' }] }),
          responses: { '200': { description: 'text/event-stream of TaskEvent', content: { 'text/event-stream': { schema: ref('TaskEvent') } } } },
        },
      },
      '/api/v1/stores/{storeId}/shelves/{shelfId}': { get: op({ summary: 'Planned vs seen per slot', roles: ['staff', 'operations'], ok: 'ShelfView', params: [store, { name: 'shelfId', in: 'path' }] }) },
      '/api/v1/stores/{storeId}/cases': { get: op({ summary: 'Refrigerated cases now', roles: ['staff', 'operations'], ok: 'CaseViews', params: [store] }) },
      '/api/v1/stores/{storeId}/compliance': { get: op({ summary: 'Planogram compliance per store and shelf', roles: ['staff', 'operations'], params: [store] }) },
      '/api/v1/stores/{storeId}/backroom': {
        get: op({ summary: 'Backroom stock', roles: ['staff', 'operations'], params: [store] }),
        put: op({ summary: 'Set backroom stock (stock count)', roles: ['operations'], body: 'BackroomUpdate', params: [store] }),
      },
      '/api/v1/stores/{storeId}/planogram': {
        get: op({ summary: 'Current planogram', roles: ['staff', 'operations'], params: [store] }),
        put: op({ summary: 'Replace the listed shelves of the planogram (JSON)', roles: ['operations'], body: 'PlanogramImport', ok: 'PlanogramImportResult', params: [store], extra: { '422': err('the result would be an invalid layout') } }),
      },
      '/api/v1/stores/{storeId}/planogram.csv': {
        post: {
          ...op({ summary: 'Import planogram CSV: store_id,shelf_id,aisle,slot_id,channel,sku,facings,capacity,reorder_point[,board_id,offset_counts,counts_per_gram]', roles: ['operations'], ok: 'PlanogramImportResult', params: [store], extra: { '422': { description: 'bad rows (row numbers and messages); nothing imported', ...json('PlanogramRowErrors') } } }),
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
        },
      },
      '/api/v1/deliveries': {
        post: op({ summary: 'Supplier confirms a delivery: creates a receive task (idempotent by deliveryId)', roles: ['supplier'], body: 'DeliveryConfirmation', ok: 'DeliveryAccepted', okStatus: '201', extra: { '422': err('unknown store or products not of this supplier') } }),
        get: op({ summary: 'Deliveries (a supplier sees its own)', roles: ['supplier', 'operations'] }),
      },
      '/api/v1/webhooks/deliveries': { get: op({ summary: 'Webhook outbox and delivery log per attempt (a supplier sees its own)', roles: ['supplier', 'operations'], params: [{ name: 'supplier', in: 'query' }, { name: 'limit', in: 'query' }] }) },
      '/api/v1/products': { get: op({ summary: 'Products (a supplier sees its own)', roles: ['supplier', 'staff', 'operations'] }) },
      '/healthz': { get: { summary: 'Health', security: [], responses: { '200': { description: 'healthy' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'text exposition format' } } } },
    },
    webhooks: {
      'replenishment.requested': {
        post: {
          summary: 'Sent to the supplier per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)',
          requestBody: json('ReplenishmentRequested'),
          responses: { '2XX': { description: 'received; anything else is retried with backoff for 26 h' } },
        },
      },
    },
  };
}
