/**
 * Ground-truth records, one JSON object per line. See firmware-sim/README.md for the
 * format; `npm run eval` scores ShelfWatch's tasks against these.
 */
export type GroundTruthEvent =
  | { type: 'run_start'; ts: number; storeId: string; scenario: string; seed: number; startMs: number; durationS: number; stepMs: number }
  | { type: 'stock'; ts: number; slotId: string; sku: string; units: number; cause: StockCause }
  | { type: 'out_of_stock'; ts: number; slotId: string; sku: string; startMs: number; endMs: number; minutes: number; openAtEnd: boolean }
  | { type: 'low_stock'; ts: number; slotId: string; sku: string; reorderPoint: number; startMs: number; endMs: number; minutes: number; openAtEnd: boolean }
  | {
      type: 'product_at_risk';
      ts: number;
      caseId: string;
      category: 'chilled' | 'frozen';
      limitC: number;
      startMs: number;
      endMs: number;
      peakC: number;
      minutes: number;
      openAtEnd: boolean;
    }
  | {
      type: 'planogram_violation';
      ts: number;
      slotId: string;
      violation: 'wrong_product' | 'missing_facings';
      expectedSku: string;
      foundSku: string | null;
      startMs: number;
      endMs: number;
      minutes: number;
      openAtEnd: boolean;
    }
  | { type: 'fault'; ts: number; fault: string; target: string; startMs: number; endMs: number; minutes: number; openAtEnd: boolean; detail: Record<string, unknown> }
  | { type: 'defrost'; ts: number; caseId: string; startMs: number; endMs: number; minutes: number; openAtEnd: boolean }
  | { type: 'door_open'; ts: number; caseId: string; ajar: boolean; startMs: number; endMs: number; seconds: number; openAtEnd: boolean }
  | { type: 'misplaced_stock'; ts: number; slotId: string; sku: string; units: number; cause: MisplacedCause }
  | { type: 'shopper_action'; ts: number; slotId: string; action: 'lift' | 'lean'; grams: number; startMs: number; endMs: number; seconds: number; openAtEnd: boolean }
  | { type: 'pushed_back'; ts: number; slotId: string; sku: string; startMs: number; endMs: number; minutes: number; openAtEnd: boolean }
  | { type: 'camera_coverage'; ts: number; cameraId: string; slotId: string; startMs: number; endMs: number; minutes: number; openAtEnd: boolean }
  | { type: 'setpoint'; ts: number; caseId: string; fromC: number; toC: number }
  | { type: 'door_rush'; ts: number; caseId: string; openingsPerHour: number; startMs: number; endMs: number; minutes: number; openAtEnd: boolean }
  | { type: 'delivery'; ts: number; sku: string; units: number; source: 'timeline' | 'api' }
  | { type: 'backroom'; ts: number; sku: string; units: number; cause: 'initial' | 'restock' | 'delivery' }
  | { type: 'restock'; ts: number; slotId: string; sku: string; units: number; by: 'auto' | 'timeline' | 'api' }
  | { type: 'run_end'; ts: number; simulatedS: number; unitsSold: number; lostSales: number };

export type StockCause = 'initial' | 'sale' | 'restock' | 'misplace' | 'cleared' | 'facings';
/** Why the units of a wrong product in a slot changed: put there, bought by a shopper, stocked in by staff, taken away. */
export type MisplacedCause = 'misplace' | 'sale' | 'restock' | 'cleared';

export type GroundTruthSink = (event: GroundTruthEvent) => void;

/**
 * Opens an interval when a condition becomes true and reports it once when it closes
 * (or at the end of the run, marked openAtEnd). Keys are whatever identifies the thing.
 */
export class IntervalTracker<Info> {
  private readonly open = new Map<string, { startMs: number; info: Info }>();

  constructor(private readonly onClose: (key: string, startMs: number, endMs: number, info: Info, openAtEnd: boolean) => void) {}

  /** Sets the condition for key at nowMs; `update` may revise the info while it is open (a peak). */
  set(key: string, active: boolean, nowMs: number, info: () => Info, update?: (info: Info) => Info): void {
    const current = this.open.get(key);
    if (active && !current) this.open.set(key, { startMs: nowMs, info: info() });
    else if (active && current && update) current.info = update(current.info);
    else if (!active && current) {
      this.open.delete(key);
      this.onClose(key, current.startMs, nowMs, current.info, false);
    }
  }

  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  closeAll(nowMs: number): void {
    for (const [key, current] of [...this.open.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      this.open.delete(key);
      this.onClose(key, current.startMs, nowMs, current.info, true);
    }
  }
}

export function minutesBetween(startMs: number, endMs: number): number {
  return Math.round(((endMs - startMs) / 60_000) * 100) / 100;
}
