import { TaskEvent, type Task } from '@shelfwatch/contracts';
import { ApiError, type ApiClient } from './api-client.js';
import { applyEvent, applySnapshot, applyTask, emptyFeed, type FeedState } from './feed-model.js';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveFeedOptions {
  api: ApiClient;
  onState: (state: FeedState) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** A task appeared that the feed did not know before (for the aria-live announcement). */
  onRaised: (task: Task) => void;
  /** The token stopped working (revoked, server reconfigured): sign out. */
  onUnauthorized: (err: ApiError) => void;
  /** A message that failed validation or a snapshot that failed: shown, not fatal. */
  onProblem: (message: string | null) => void;
}

const MAX_RETRY_MS = 15_000;

/**
 * Keeps the feed state in step with the server: the SSE stream for live events, and a
 * GET /tasks snapshot each time the stream (re)opens, which catches up on whatever
 * happened while the connection was down even if the server's replay window was
 * exceeded. The browser's EventSource resumes with Last-Event-ID by itself; when it
 * gives up (the server answered with an error status), a new one is opened with backoff.
 */
export class LiveFeed {
  private state: FeedState = emptyFeed;
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = 1_000;
  private stopped = false;
  /** Ids the stream delivered since the current snapshot was requested. */
  private touched: Set<string> | null = null;
  /** False until the first snapshot: tasks already open at sign-in are not "new". */
  private primed = false;

  constructor(private readonly opts: LiveFeedOptions) {}

  start(): void {
    this.stopped = false;
    this.opts.onStatus('connecting');
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.source?.close();
    this.source = null;
  }

  /** The server's answer to an ack or done, applied at once rather than waiting for the stream. */
  applyServerTask(task: Task): void {
    this.setState(applyTask(this.state, task));
  }

  private open(): void {
    const source = new EventSource(this.opts.api.streamUrl(this.state.lastSeq));
    this.source = source;
    source.addEventListener('open', () => {
      this.retryMs = 1_000;
      void this.catchUp();
    });
    source.addEventListener('task', (e) => this.onMessage(e));
    source.addEventListener('error', () => {
      if (this.stopped || this.source !== source) return;
      this.opts.onStatus('reconnecting');
      if (source.readyState === EventSource.CLOSED) this.scheduleReopen(source);
    });
  }

  private scheduleReopen(dead: EventSource): void {
    dead.close();
    if (this.retryTimer !== null) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      // The stream refused us: find out whether the token is still good before retrying.
      this.opts.api.activeTasks().then(
        () => this.open(),
        (err: unknown) => {
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) this.opts.onUnauthorized(err);
          else this.scheduleReopen(dead);
        },
      );
    }, wait);
  }

  private onMessage(e: Event): void {
    const data = (e as MessageEvent<string>).data;
    let event: TaskEvent;
    try {
      event = TaskEvent.parse(JSON.parse(data));
    } catch {
      this.opts.onProblem('An alert from the server could not be read; the feed will refresh.');
      void this.catchUp();
      return;
    }
    const known = this.state.tasks.has(event.task.id);
    this.touched?.add(event.task.id);
    this.setState(applyEvent(this.state, event));
    if (this.primed && !known && (event.task.status === 'open' || event.task.status === 'acknowledged')) this.opts.onRaised(event.task);
  }

  private async catchUp(): Promise<void> {
    const touched = new Set<string>();
    this.touched = touched;
    try {
      const tasks = await this.opts.api.activeTasks();
      if (this.stopped) return;
      const before = this.state;
      const announce = this.primed;
      this.primed = true;
      this.setState(applySnapshot(this.state, tasks, touched));
      // Only after a snapshot has landed is the feed really up to date again.
      if (this.source?.readyState === EventSource.OPEN) this.opts.onStatus('live');
      this.opts.onProblem(null);
      if (announce) {
        for (const t of tasks) if (!before.tasks.has(t.id)) this.opts.onRaised(t);
      }
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        this.opts.onUnauthorized(err);
        return;
      }
      this.opts.onProblem('Could not refresh the task list; retrying.');
      this.opts.onStatus('reconnecting');
      if (this.source !== null) this.scheduleReopen(this.source);
    } finally {
      if (this.touched === touched) this.touched = null;
    }
  }

  private setState(state: FeedState): void {
    this.state = state;
    this.opts.onState(state);
  }
}
