import type { Product, StoreLayout } from '@shelfwatch/contracts';
import type { DeliveryAttempt, DeliveryRecord, OutboxMessage } from './ports.js';

/** Rows as both SQL adapters store them (JSON columns aside), and the records they stand for. */
export interface StoreRow {
  id: string;
  name: string;
  timezone: string;
  opens_at: string | null;
  closes_at: string | null;
}

export const storeOfRow = (r: StoreRow): StoreLayout['store'] => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  ...(r.opens_at === null ? {} : { opensAt: r.opens_at }),
  ...(r.closes_at === null ? {} : { closesAt: r.closes_at }),
});

export interface MessageRow {
  id: string;
  supplier_id: string;
  store_id: string;
  event_type: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  status: OutboxMessage['status'];
}

export const toMessage = (r: MessageRow): OutboxMessage => ({
  id: r.id,
  supplierId: r.supplier_id,
  storeId: r.store_id,
  eventType: r.event_type,
  payload: r.payload,
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  status: r.status,
});

export interface AttemptRow {
  message_id: string;
  supplier_id: string;
  store_id: string;
  attempt: number;
  at: number;
  url: string;
  status_code: number | null;
  error: string | null;
  outcome: DeliveryAttempt['outcome'];
}

export const toAttempt = (r: AttemptRow): DeliveryAttempt => ({
  messageId: r.message_id,
  supplierId: r.supplier_id,
  storeId: r.store_id,
  attempt: r.attempt,
  at: r.at,
  url: r.url,
  statusCode: r.status_code,
  error: r.error,
  outcome: r.outcome,
});

export interface ProductRow {
  sku: string;
  name: string;
  unit_weight_g: number;
  category: Product['category'];
  supplier_id: string;
  pack_size: number;
}

export const toProduct = (r: ProductRow): Product => ({
  sku: r.sku,
  name: r.name,
  unitWeightG: r.unit_weight_g,
  category: r.category,
  supplierId: r.supplier_id,
  packSize: r.pack_size,
});

/** `lines` is JSON: text in SQLite, JSONB (parsed by the driver) in PostgreSQL. */
export interface DeliveryRow<Lines> {
  supplier_id: string;
  delivery_id: string;
  store_id: string;
  request_id: string | null;
  expected_at: number;
  lines: Lines;
  task_id: string;
  received_at: number | null;
}

export const toDelivery = (r: DeliveryRow<DeliveryRecord['lines']>): DeliveryRecord => ({
  deliveryId: r.delivery_id,
  supplierId: r.supplier_id,
  storeId: r.store_id,
  requestId: r.request_id,
  expectedAt: r.expected_at,
  lines: r.lines,
  taskId: r.task_id,
  receivedAt: r.received_at,
});
