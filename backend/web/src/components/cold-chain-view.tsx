import type { CaseView } from '@shelfwatch/contracts';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import { CASE_STATE_STYLE, KIND_STYLE } from '../kind-style.js';
import { plantText } from '../plant-text.js';
import { duration, relativeTime } from '../relative-time.js';
import { Icon } from './icon.js';

export interface ColdChainViewProps {
  api: ApiClient;
  storeId: string | null;
  now: number;
  revision: number;
}

const REFRESH_MS = 15_000;

function temp(c: number | null): string {
  return c === null ? '—' : `${c.toFixed(1)} °C`;
}

function CaseCard({ c, now }: { c: CaseView; now: number }) {
  const state = CASE_STATE_STYLE[c.state];
  const shown = c.productTempC ?? c.airTempC;
  // Red only for a real alarm: a case above its limit in defrost or after a door opening is expected.
  const alarm = c.state === 'alarm';
  return (
    <li class={`case ${state.cls}`} data-case-id={c.caseId} data-state={c.state}>
      <p class="case-head">
        <strong>{c.name}</strong>
        <span class="sub">
          Aisle {c.aisle} · {c.category === 'frozen' ? 'Frozen' : 'Chilled'}
        </span>
      </p>
      <p class={`case-temp ${alarm ? 'is-above' : ''}`}>
        <span class="big">{temp(shown)}</span>
        <span class="sub">{c.productTempC !== null ? 'product' : 'air'} · limit {temp(c.limitC)}</span>
      </p>
      <p class={`tag state ${state.cls}`}>
        <Icon name={state.icon} size={20} />
        {state.label}
      </p>
      <dl>
        <dt>Air</dt>
        <dd>{temp(c.airTempC)}</dd>
        <dt>Setpoint</dt>
        <dd>{temp(c.setpointC)}</dd>
        <dt>Above limit</dt>
        <dd>{c.minutesAboveLimit > 0 ? duration(c.minutesAboveLimit) : 'No'}</dd>
      </dl>
      <p class="sub plant">{plantText(c.plant)}</p>
      {c.plant.serviceNeededSince !== null && (
        <p class={`tag service ${KIND_STYLE.refrigeration_maintenance.cls}`}>
          <Icon name={KIND_STYLE.refrigeration_maintenance.icon} size={20} />
          Refrigeration service needed (found {relativeTime(c.plant.serviceNeededSince, now)})
        </p>
      )}
      {c.updatedAt !== null && <p class="sub">Updated {relativeTime(c.updatedAt, now)}</p>}
    </li>
  );
}

export function ColdChainView({ api, storeId, now, revision }: ColdChainViewProps) {
  const [cases, setCases] = useState<CaseView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  // Case temperatures change without any task event, so the view also polls while shown.
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (storeId === null) return;
    let cancelled = false;
    api.cases(storeId).then(
      (list) => {
        if (cancelled) return;
        setCases(list);
        setError(null);
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : 'Could not load the cases.');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, storeId, revision, tick]);

  if (storeId === null) return <p class="empty">No store known yet.</p>;
  return (
    <section aria-labelledby="cases-heading" class="panel">
      <h2 id="cases-heading">Cold chain</h2>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {cases === null ? (
        <p class="empty">Loading cases…</p>
      ) : cases.length === 0 ? (
        <p class="empty">This store has no refrigerated cases.</p>
      ) : (
        <ul class="cases">
          {cases.map((c) => (
            <CaseCard key={c.caseId} c={c} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
