import type { Task } from '@shelfwatch/contracts';
import { useState } from 'preact/hooks';
import { KIND_STYLE, SEVERITY_STYLE } from '../kind-style.js';
import { relativeTime } from '../relative-time.js';
import { Icon } from './icon.js';

export interface TaskActions {
  acknowledge: (task: Task) => Promise<void>;
  done: (task: Task, note: string) => Promise<void>;
}

export interface TaskCardProps {
  task: Task;
  now: number;
  actions: TaskActions;
  fresh: boolean;
}

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * Structured place (aisle, shelf, slot) the label does not already spell out; the label is
 * the rules' human wording and stays first. A case is named in its label by its name.
 */
function where(task: Task): string[] {
  const l = task.location;
  const label = l.label.toLowerCase();
  const parts: string[] = [];
  const add = (word: string, value: string | undefined) => {
    if (value !== undefined && !label.includes(`${word} ${value}`.toLowerCase())) parts.push(`${word} ${value}`);
  };
  add('Aisle', l.aisle);
  add('Shelf', l.shelfId);
  add('Slot', l.slotId);
  if (l.caseId !== undefined && !label.includes('case')) parts.push(`Case ${l.caseId}`);
  return parts;
}

export function TaskCard({ task, now, actions, fresh }: TaskCardProps) {
  const kind = KIND_STYLE[task.kind];
  const severity = SEVERITY_STYLE[task.severity];
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = `task-${task.id}-title`;
  const noteId = `task-${task.id}-note`;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setNoteOpen(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'That did not work; try again.');
    } finally {
      setBusy(false);
    }
  };

  const parts = where(task);
  return (
    <article
      class={`task ${severity.cls} ${task.status === 'acknowledged' ? 'is-acked' : ''} ${fresh ? 'is-fresh' : ''}`}
      aria-labelledby={titleId}
      data-task-id={task.id}
      data-kind={task.kind}
      data-status={task.status}
    >
      <div class="task-tags">
        <span class={`tag sev ${severity.cls}`}>
          <Icon name={severity.icon} size={20} />
          {severity.label}
        </span>
        <span class={`tag kind ${kind.cls}`}>
          <Icon name={kind.icon} size={20} />
          {kind.label}
        </span>
        {task.escalationLevel > 0 && <span class="tag esc">Escalated ×{task.escalationLevel}</span>}
      </div>
      <h2 id={titleId} class="task-title">
        {task.title}
      </h2>
      <dl class="task-facts">
        <dt>Do</dt>
        <dd class="task-action">{task.action}</dd>
        <dt>Where</dt>
        <dd>
          {task.location.label}
          {parts.length > 0 && <span class="sub">{parts.join(' · ')}</span>}
        </dd>
        <dt>Why</dt>
        <dd>{task.reason}</dd>
        {task.products.length > 0 && (
          <>
            <dt>Products</dt>
            <dd>{task.products.map((p) => `${p.name} (${p.sku})`).join(', ')}</dd>
          </>
        )}
        <dt>Since</dt>
        <dd>
          <time dateTime={new Date(task.raisedAt).toISOString()} title={new Date(task.raisedAt).toLocaleString()}>
            {relativeTime(task.raisedAt, now)}
          </time>
          <span class="sub"> raised {clock(task.raisedAt)}</span>
        </dd>
      </dl>
      {task.evidence.length > 0 && (
        <details class="evidence">
          <summary>Evidence ({task.evidence.length})</summary>
          <ul>
            {task.evidence.map((e, i) => (
              <li key={`${e.ts}-${i}`}>
                <time dateTime={new Date(e.ts).toISOString()}>{clock(e.ts)}</time> {e.text}
              </li>
            ))}
          </ul>
        </details>
      )}
      {task.status === 'acknowledged' && (
        <p class="acked" data-testid="acked">
          <Icon name="hand" size={20} />
          Acknowledged by {task.acknowledgedBy ?? 'someone'}
          {task.acknowledgedAt !== null && `, ${relativeTime(task.acknowledgedAt, now)}`}
        </p>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {noteOpen ? (
        <form
          class="done-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => actions.done(task, note));
          }}
        >
          <label for={noteId}>Corrective action (optional)</label>
          <textarea id={noteId} maxLength={500} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} placeholder="e.g. Moved stock to case 2, called engineer" />
          <div class="buttons">
            <button type="submit" class="btn btn-done" disabled={busy} aria-describedby={titleId}>
              <Icon name="check" size={22} />
              Confirm done
            </button>
            <button type="button" class="btn btn-plain" disabled={busy} onClick={() => setNoteOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div class="buttons">
          {task.status === 'open' && (
            <button type="button" class="btn btn-ack" disabled={busy} aria-describedby={titleId} onClick={() => void run(() => actions.acknowledge(task))}>
              <Icon name="hand" size={22} />
              Acknowledge
            </button>
          )}
          <button type="button" class="btn btn-done" disabled={busy} aria-describedby={titleId} onClick={() => setNoteOpen(true)}>
            <Icon name="check" size={22} />
            Done…
          </button>
        </div>
      )}
    </article>
  );
}
