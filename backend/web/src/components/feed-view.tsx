import type { Task, TaskKind } from '@shelfwatch/contracts';
import { useMemo } from 'preact/hooks';
import { countByKind, visibleTasks, type FeedState } from '../feed-model.js';
import { KindFilter } from './kind-filter.js';
import { TaskCard, type TaskActions } from './task-card.js';

export interface FeedViewProps {
  state: FeedState;
  loaded: boolean;
  now: number;
  kinds: ReadonlySet<TaskKind> | null;
  onKinds: (next: ReadonlySet<TaskKind> | null) => void;
  actions: TaskActions;
  fresh: ReadonlySet<string>;
}

export function FeedView({ state, loaded, now, kinds, onKinds, actions, fresh }: FeedViewProps) {
  const tasks: Task[] = useMemo(() => visibleTasks(state, kinds), [state, kinds]);
  const counts = useMemo(() => countByKind(state), [state]);
  return (
    <section aria-labelledby="feed-heading">
      <h2 id="feed-heading" class="visually-hidden">
        Open tasks
      </h2>
      <KindFilter selected={kinds} counts={counts} onChange={onKinds} />
      {!loaded ? (
        <p class="empty">Loading tasks…</p>
      ) : tasks.length === 0 ? (
        <p class="empty" data-testid="empty-feed">
          {kinds === null ? 'No open tasks. All clear.' : 'No open tasks of the selected kinds.'}
        </p>
      ) : (
        <ol class="tasks" data-testid="task-list">
          {tasks.map((t) => (
            <li key={t.id}>
              <TaskCard task={t} now={now} actions={actions} fresh={fresh.has(t.id)} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
