import { DeviceId, ShelfId, Sku, SlotId, StoreId } from '@shelfwatch/contracts';
import { z } from 'zod';
import type { PlanogramRowError, PlanogramShelfInput } from './planogram-input.js';

/**
 * Planogram CSV as planogram tools export it: one row per slot,
 * store_id,shelf_id,aisle,slot_id,channel,sku,facings,capacity,reorder_point
 * (+ optional board_id, offset_counts, counts_per_gram). Every bad row is reported with
 * its line number (the header is line 1); nothing is imported unless all rows are good.
 */
export const REQUIRED_COLUMNS = ['store_id', 'shelf_id', 'aisle', 'slot_id', 'channel', 'sku', 'facings', 'capacity', 'reorder_point'] as const;

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const Row = z
  .object({
    store_id: StoreId,
    shelf_id: ShelfId,
    aisle: z.string().trim().min(1).max(20),
    slot_id: SlotId,
    channel: int(0, 63),
    sku: Sku,
    facings: int(1, 50),
    capacity: int(1, 1000),
    reorder_point: int(0, 1000),
    board_id: DeviceId.optional(),
    offset_counts: int(-(2 ** 31), 2 ** 31).optional(),
    counts_per_gram: z.string().trim().transform(Number).pipe(z.number().finite()).optional(),
  })
  .refine((r) => r.reorder_point < r.capacity, { message: 'must be below capacity', path: ['reorder_point'] });

/** RFC 4180-ish: quoted fields with "" escapes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface CsvPlanogram {
  shelves: PlanogramShelfInput[];
  errors: PlanogramRowError[];
}

export function planogramFromCsv(text: string, ctx: { storeId: string; knownSku: (sku: string) => boolean }): CsvPlanogram {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const errors: PlanogramRowError[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (rows.length === 0 || missing.length > 0) {
    return { shelves: [], errors: [{ row: 1, message: `header is missing column(s): ${missing.join(', ') || REQUIRED_COLUMNS.join(', ')}` }] };
  }
  const shelves = new Map<string, PlanogramShelfInput>();
  const slotRows = new Map<string, number>();
  const channelRows = new Map<string, number>();
  rows.slice(1).forEach((cells, i) => {
    const line = i + 2;
    if (cells.every((c) => c.trim() === '')) return;
    if (cells.length !== header.length) {
      errors.push({ row: line, message: `has ${cells.length} fields, the header has ${header.length}` });
      return;
    }
    const record: Record<string, string> = Object.fromEntries(
      header.map((h, j): [string, string] => [h, cells[j]?.trim() ?? '']).filter(([, v]) => v !== ''),
    );
    const parsed = Row.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = issue.path[0] === undefined ? undefined : String(issue.path[0]);
        errors.push({ row: line, ...(column ? { column } : {}), message: column ? `${column}: ${issue.message}` : issue.message });
      }
      return;
    }
    const r = parsed.data;
    const before = errors.length;
    if (r.store_id !== ctx.storeId) errors.push({ row: line, column: 'store_id', message: `store_id '${r.store_id}' is not this store ('${ctx.storeId}')` });
    if (!ctx.knownSku(r.sku)) errors.push({ row: line, column: 'sku', message: `unknown sku '${r.sku}'` });
    const firstSlot = slotRows.get(r.slot_id);
    if (firstSlot !== undefined) errors.push({ row: line, column: 'slot_id', message: `slot '${r.slot_id}' already on row ${firstSlot}` });
    const channelKey = `${r.shelf_id}/${r.channel}`;
    const firstChannel = channelRows.get(channelKey);
    if (firstChannel !== undefined) errors.push({ row: line, column: 'channel', message: `channel ${r.channel} of shelf '${r.shelf_id}' already on row ${firstChannel}` });
    const shelf = shelves.get(r.shelf_id);
    if (shelf && shelf.aisle !== r.aisle) errors.push({ row: line, column: 'aisle', message: `shelf '${r.shelf_id}' is in aisle '${shelf.aisle}' on an earlier row` });
    if (errors.length > before) return;
    slotRows.set(r.slot_id, line);
    channelRows.set(channelKey, line);
    const target = shelf ?? { id: r.shelf_id, aisle: r.aisle, slots: [], ...(r.board_id ? { boardId: r.board_id } : {}) };
    shelves.set(r.shelf_id, target);
    target.slots.push({
      id: r.slot_id,
      channel: r.channel,
      sku: r.sku,
      facings: r.facings,
      capacity: r.capacity,
      reorderPoint: r.reorder_point,
      ...(r.offset_counts !== undefined && r.counts_per_gram !== undefined
        ? { calibration: { offsetCounts: r.offset_counts, countsPerGram: r.counts_per_gram } }
        : {}),
    });
  });
  if (rows.length < 2 && errors.length === 0) errors.push({ row: 1, message: 'no data rows' });
  return { shelves: [...shelves.values()], errors };
}
