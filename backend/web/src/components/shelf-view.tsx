import type { ShelfView as ShelfData } from '@shelfwatch/contracts';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import { forecastText } from '../forecast-text.js';
import { relativeTime } from '../relative-time.js';
import { Icon } from './icon.js';

export interface ShelfViewProps {
  api: ApiClient;
  storeId: string | null;
  shelves: { id: string; aisle: string | null }[];
  now: number;
  /** Bumped on every task event, so the view refreshes when something happens on the shelf. */
  revision: number;
}

type SlotData = ShelfData['slots'][number];

function stockText(slot: SlotData): string {
  if (slot.unitsByWeight === null) return 'No weight reading';
  return `${slot.unitsByWeight} of ${slot.capacity} units`;
}

function seenText(slot: SlotData): string {
  if (slot.gap === true && (slot.seenFacings ?? 0) === 0) return 'Gap: nothing seen';
  if (slot.seenSku === null) return 'Not seen by camera';
  if (slot.seenSku === slot.plannedSku) return `${slot.plannedName} (as planned)`;
  return `${slot.seenSku} (wrong product)`;
}

function SlotCard({ slot, now }: { slot: SlotData; now: number }) {
  const pct = slot.unitsByWeight === null ? 0 : Math.min(100, Math.round((slot.unitsByWeight / slot.capacity) * 100));
  const reorderPct = Math.min(100, Math.round((slot.reorderPoint / slot.capacity) * 100));
  const low = slot.unitsByWeight !== null && slot.unitsByWeight <= slot.reorderPoint;
  const status = slot.compliant === false ? 'bad' : low ? 'low' : slot.compliant === true ? 'ok' : 'unknown';
  const statusText = slot.compliant === false ? 'Not as planned' : low ? 'At or below reorder point' : slot.compliant === true ? 'As planned' : 'Not checked yet';
  return (
    <li class={`slot slot-${status}`} data-slot-id={slot.slotId}>
      <p class="slot-head">
        <strong>Slot {slot.slotId}</strong>
        <span class={`slot-status slot-status-${status}`}>
          <Icon name={status === 'ok' ? 'check' : status === 'unknown' ? 'unknown' : 'warning'} size={18} />
          {statusText}
        </span>
      </p>
      <dl>
        <dt>Planned</dt>
        <dd>
          {slot.plannedName} <span class="sub">({slot.plannedSku}, {slot.plannedFacings} facings)</span>
        </dd>
        <dt>Seen</dt>
        <dd>
          {seenText(slot)}
          {slot.seenFacings !== null && slot.seenFacings > 0 && <span class="sub">, {slot.seenFacings} facings</span>}
        </dd>
        <dt>Stock</dt>
        <dd>
          {stockText(slot)}
          <span
            class={`bar ${low ? 'bar-low' : ''}`}
            role="img"
            aria-label={`${pct}% full, reorder point ${slot.reorderPoint} units`}
          >
            <span class="bar-fill" style={{ width: `${pct}%` }} />
            <span class="bar-mark" style={{ left: `${reorderPct}%` }} />
          </span>
        </dd>
        {forecastText(slot.forecast) !== null && (
          <>
            <dt>Sells out</dt>
            <dd data-testid="time-to-empty">{forecastText(slot.forecast)}</dd>
          </>
        )}
      </dl>
      {slot.lastReadingAt !== null && <p class="sub">Last reading {relativeTime(slot.lastReadingAt, now)}</p>}
    </li>
  );
}

export function ShelfView({ api, storeId, shelves, now, revision }: ShelfViewProps) {
  const [shelfId, setShelfId] = useState<string | null>(shelves[0]?.id ?? null);
  const [data, setData] = useState<ShelfData | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (shelfId === null || !shelves.some((s) => s.id === shelfId)) setShelfId(shelves[0]?.id ?? null);
  }, [shelves, shelfId]);

  useEffect(() => {
    if (storeId === null || shelfId === null) return;
    let cancelled = false;
    api.shelf(storeId, shelfId).then(
      (view) => {
        if (cancelled) return;
        setData(view);
        setError(null);
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : 'Could not load the shelf.');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, storeId, shelfId, revision]);

  if (storeId === null || shelves.length === 0) {
    return <p class="empty">No shelves known yet. They appear once the store has a planogram.</p>;
  }
  return (
    <section aria-labelledby="shelf-heading" class="panel">
      <h2 id="shelf-heading">Planogram</h2>
      <label for="shelf-select">Shelf</label>
      <select id="shelf-select" value={shelfId ?? ''} onChange={(e) => setShelfId(e.currentTarget.value)}>
        {shelves.map((s) => (
          <option key={s.id} value={s.id}>
            {s.aisle !== null ? `Aisle ${s.aisle}, shelf ${s.id}` : `Shelf ${s.id}`}
          </option>
        ))}
      </select>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {data !== null && data.shelfId === shelfId && (
        <>
          <p class="summary" data-testid="compliance">
            Aisle {data.aisle} · shelf {data.shelfId} ·{' '}
            {data.compliancePct === null ? 'compliance not known yet' : `${Math.round(data.compliancePct)}% as planned`}
          </p>
          <ul class="slots">
            {data.slots.map((slot) => (
              <SlotCard key={slot.slotId} slot={slot} now={now} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
