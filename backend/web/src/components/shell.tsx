import type { Task, TaskKind } from '@shelfwatch/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient, ApiError, type StoreInfo } from '../api-client.js';
import { emptyFeed, feedNow, isActive, type FeedState } from '../feed-model.js';
import { KIND_STYLE } from '../kind-style.js';
import { LiveFeed, type ConnectionStatus } from '../live-feed.js';
import { mergeStores } from '../store-directory.js';
import { ColdChainView } from './cold-chain-view.js';
import { ConnectionBadge } from './connection-badge.js';
import { FeedView } from './feed-view.js';
import { ShelfView } from './shelf-view.js';
import type { TaskActions } from './task-card.js';

type Tab = 'tasks' | 'shelves' | 'cases';

const TABS: { id: Tab; label: string }[] = [
  { id: 'tasks', label: 'Tasks' },
  { id: 'shelves', label: 'Shelves' },
  { id: 'cases', label: 'Cold chain' },
];

const FRESH_MS = 20_000;

export interface ShellProps {
  token: string;
  onSignOut: (reason: string | null) => void;
}

export function Shell({ token, onSignOut }: ShellProps) {
  const api = useMemo(() => new ApiClient(token), [token]);
  const [state, setState] = useState<FeedState>(emptyFeed);
  const [loaded, setLoaded] = useState(false);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [kinds, setKinds] = useState<ReadonlySet<TaskKind> | null>(null);
  const [tab, setTab] = useState<Tab>('tasks');
  const [wallNow, setWallNow] = useState(() => Date.now());
  const [listed, setListed] = useState<StoreInfo[] | null>(null);
  const [storeId, setStoreId] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const feedRef = useRef<LiveFeed | null>(null);

  useEffect(() => {
    const t = setInterval(() => setWallNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const feed = new LiveFeed({
      api,
      onState: (s) => {
        setState(s);
        setRevision((r) => r + 1);
      },
      onStatus: (s) => {
        setStatus(s);
        if (s === 'live') setLoaded(true);
      },
      onRaised: (task: Task) => {
        setAnnouncement(`New ${KIND_STYLE[task.kind].label.toLowerCase()} task: ${task.title}. ${task.location.label}.`);
        setFresh((f) => new Set(f).add(task.id));
        const timer = setTimeout(() => {
          timers.delete(timer);
          setFresh((f) => {
            const next = new Set(f);
            next.delete(task.id);
            return next;
          });
        }, FRESH_MS);
        timers.add(timer);
      },
      onUnauthorized: (err: ApiError) => onSignOut(err.status === 403 ? 'This token cannot use the staff feed.' : 'Your token is no longer accepted. Sign in again.'),
      onProblem: setProblem,
    });
    feedRef.current = feed;
    feed.start();
    return () => {
      feed.stop();
      for (const t of timers) clearTimeout(t);
    };
  }, [api, onSignOut]);

  useEffect(() => {
    api.stores().then(setListed, () => setListed(null));
  }, [api]);

  const stores = useMemo(() => mergeStores(listed, state.tasks.values()), [listed, state]);
  useEffect(() => {
    if (storeId === null || !stores.some((s) => s.id === storeId)) setStoreId(stores[0]?.id ?? null);
  }, [stores, storeId]);
  const store = stores.find((s) => s.id === storeId) ?? null;

  const actions: TaskActions = useMemo(() => {
    const guard = async (fn: () => Promise<Task>) => {
      try {
        const task = await fn();
        feedRef.current?.applyServerTask(task);
        setAnnouncement(`${task.status === 'acknowledged' ? 'Acknowledged' : 'Done'}: ${task.title}. ${task.location.label}.`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) onSignOut('Your token is no longer accepted. Sign in again.');
        if (err instanceof ApiError && err.status === 409) throw new Error('Someone else has already changed this task.', { cause: err });
        throw err;
      }
    };
    return {
      acknowledge: (task) => guard(() => api.acknowledge(task.id)),
      done: (task, note) => guard(() => api.done(task.id, note)),
    };
  }, [api, onSignOut]);

  const now = feedNow(state, wallNow);
  const onKinds = useCallback((k: ReadonlySet<TaskKind> | null) => setKinds(k), []);
  const activeCount = [...state.tasks.values()].filter(isActive).length;

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="top-row">
          <h1>
            ShelfWatch <span class="sub">{store?.name ?? 'Staff feed'}</span>
          </h1>
          <div class="top-end">
            <ConnectionBadge status={status} />
            <button type="button" class="btn btn-plain signout" onClick={() => onSignOut(null)}>
              Sign out
            </button>
          </div>
        </div>
        <nav aria-label="Views" class="tabs">
          {TABS.map((t) => (
            <button key={t.id} type="button" class="tab" aria-current={tab === t.id ? 'page' : undefined} onClick={() => setTab(t.id)}>
              {t.label}
              {t.id === 'tasks' && activeCount > 0 && <span class="count">{activeCount}</span>}
            </button>
          ))}
        </nav>
        {stores.length > 1 && (
          <p class="store-pick">
            <label for="store-select">Store</label>
            <select id="store-select" value={storeId ?? ''} onChange={(e) => setStoreId(e.currentTarget.value)}>
              {stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </p>
        )}
      </header>
      <div class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </div>
      {problem !== null && (
        <p class="banner" role="status">
          {problem}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {tab === 'tasks' && <FeedView state={state} loaded={loaded} now={now} kinds={kinds} onKinds={onKinds} actions={actions} fresh={fresh} />}
        {tab === 'shelves' && <ShelfView api={api} storeId={storeId} shelves={store?.shelves ?? []} now={now} revision={revision} />}
        {tab === 'cases' && <ColdChainView api={api} storeId={storeId} now={now} revision={revision} />}
      </main>
    </>
  );
}
