import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';

/**
 * The simulator's ground-truth lines, validated. Extra fields are stripped rather than
 * rejected so a newer simulator that adds a field still scores; a missing or mistyped field
 * or an unknown `type` is a reported error, never a silently skipped line.
 */
const ms = z.number().int().min(0);
const interval = { ts: ms, startMs: ms, endMs: ms, openAtEnd: z.boolean() };

export const GroundTruthLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run_start'), ts: ms, storeId: z.string(), scenario: z.string(), seed: z.number(), startMs: ms, durationS: z.number().min(0), stepMs: z.number().positive() }),
  z.object({ type: z.literal('stock'), ts: ms, slotId: z.string(), sku: z.string(), units: z.number().int(), cause: z.enum(['initial', 'sale', 'restock', 'misplace', 'cleared', 'facings']) }),
  z.object({ type: z.literal('out_of_stock'), ...interval, slotId: z.string(), sku: z.string(), minutes: z.number() }),
  z.object({ type: z.literal('low_stock'), ...interval, slotId: z.string(), sku: z.string(), reorderPoint: z.number().int(), minutes: z.number() }),
  z.object({
    type: z.literal('product_at_risk'),
    ...interval,
    caseId: z.string(),
    category: z.enum(['chilled', 'frozen']),
    limitC: z.number(),
    peakC: z.number(),
    minutes: z.number(),
  }),
  z.object({
    type: z.literal('planogram_violation'),
    ...interval,
    slotId: z.string(),
    violation: z.enum(['wrong_product', 'missing_facings']),
    expectedSku: z.string(),
    foundSku: z.string().nullable(),
    minutes: z.number(),
  }),
  z.object({ type: z.literal('fault'), ...interval, fault: z.string(), target: z.string(), minutes: z.number(), detail: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('defrost'), ...interval, caseId: z.string(), minutes: z.number() }),
  z.object({ type: z.literal('door_open'), ...interval, caseId: z.string(), ajar: z.boolean(), seconds: z.number() }),
  z.object({ type: z.literal('misplaced_stock'), ts: ms, slotId: z.string(), sku: z.string(), units: z.number().int(), cause: z.enum(['misplace', 'sale', 'restock', 'cleared']) }),
  z.object({ type: z.literal('shopper_action'), ...interval, slotId: z.string(), action: z.enum(['lift', 'lean']), grams: z.number(), seconds: z.number() }),
  z.object({ type: z.literal('pushed_back'), ...interval, slotId: z.string(), sku: z.string(), minutes: z.number() }),
  z.object({ type: z.literal('camera_coverage'), ...interval, cameraId: z.string(), slotId: z.string(), minutes: z.number() }),
  z.object({ type: z.literal('setpoint'), ts: ms, caseId: z.string(), fromC: z.number(), toC: z.number() }),
  z.object({ type: z.literal('door_rush'), ...interval, caseId: z.string(), openingsPerHour: z.number(), minutes: z.number() }),
  z.object({ type: z.literal('delivery'), ts: ms, sku: z.string(), units: z.number().int(), source: z.enum(['timeline', 'api']) }),
  z.object({ type: z.literal('backroom'), ts: ms, sku: z.string(), units: z.number().int().min(0), cause: z.enum(['initial', 'restock', 'delivery']) }),
  z.object({ type: z.literal('restock'), ts: ms, slotId: z.string(), sku: z.string(), units: z.number().int(), by: z.enum(['auto', 'timeline', 'api']) }),
  z.object({ type: z.literal('run_end'), ts: ms, simulatedS: z.number().min(0), unitsSold: z.number(), lostSales: z.number() }),
]);

// Compile-time guard: the schema must describe exactly the simulator's union in both directions.
type Parsed = z.infer<typeof GroundTruthLine>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesSimulator: Same<Parsed, GroundTruthEvent> = true;
void schemaMatchesSimulator;

export interface TruthLineError {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedTruth {
  events: GroundTruthEvent[];
  errors: TruthLineError[];
  /** Valid lines that were not kept (see `keepStockEvents`). */
  dropped: number;
}

export interface ParseTruthOptions {
  /**
   * `stock`, `misplaced_stock` and `delivery` records are validated but not kept unless asked:
   * scoring does not use them and a simulated week of a large store writes millions. (`restock`
   * is kept: the sell-out forecast's scoring needs it, and there is one per refill, not per sale.)
   */
  keepStockEvents?: boolean;
}

const STOCK_TYPES = new Set(['stock', 'misplaced_stock', 'delivery']);

/** Accumulates lines one at a time, so the file reader and the string parser share one path. */
class TruthCollector {
  readonly result: ParsedTruth = { events: [], errors: [], dropped: 0 };
  private lineNo = 0;

  constructor(private readonly options: ParseTruthOptions) {}

  add(raw: string): void {
    this.lineNo++;
    const text = raw.trim();
    if (text === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err: unknown) {
      this.result.errors.push({ line: this.lineNo, message: `not JSON: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const parsed = GroundTruthLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      this.result.errors.push({ line: this.lineNo, message: `${where}${issue?.message ?? 'invalid'}` });
      return;
    }
    if (!this.options.keepStockEvents && STOCK_TYPES.has(parsed.data.type)) this.result.dropped++;
    else this.result.events.push(parsed.data);
  }
}

/** Parses ground-truth JSON lines; every bad line is reported with its number and reason. */
export function parseGroundTruth(text: string, options: ParseTruthOptions = {}): ParsedTruth {
  const collector = new TruthCollector(options);
  for (const line of text.split('\n')) collector.add(line);
  return collector.result;
}

/** Streams a ground-truth file line by line (a week of a large store does not fit one string). */
export async function readGroundTruthFile(file: string, options: ParseTruthOptions = {}): Promise<ParsedTruth> {
  const collector = new TruthCollector(options);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) collector.add(line);
  return collector.result;
}
