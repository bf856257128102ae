import { CaseView, ShelfView, Task, TaskHistoryEntry } from '@shelfwatch/contracts';
import { z } from 'zod';

/** The API may answer with or without the audit history; the feed ignores it. */
const TaskAnswer = Task.extend({ history: z.array(TaskHistoryEntry).optional() });
const TaskList = z.union([z.array(TaskAnswer), z.object({ tasks: z.array(TaskAnswer) }).loose().transform((o) => o.tasks)]);

/** What the app needs to know about a store: its shelves for the planogram view. */
const StoreSummary = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    shelves: z.array(z.union([z.string(), z.object({ id: z.string(), aisle: z.string().optional() }).loose()])).optional(),
  })
  .loose();
const StoreList = z.union([z.array(StoreSummary), z.object({ stores: z.array(StoreSummary) }).loose().transform((o) => o.stores)]);

export interface StoreInfo {
  id: string;
  name: string;
  shelves: { id: string; aisle: string | null }[];
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function stripHistory(task: z.infer<typeof TaskAnswer>): Task {
  const { history: _history, ...rest } = task;
  return rest;
}

/** Thin typed client for the staff endpoints; every answer is validated before the UI sees it. */
export class ApiClient {
  constructor(
    readonly token: string,
    private readonly base = '',
  ) {}

  async activeTasks(): Promise<Task[]> {
    const body = await this.request('GET', '/api/v1/tasks?status=open,acknowledged');
    return TaskList.parse(body).map(stripHistory);
  }

  async acknowledge(id: string): Promise<Task> {
    return stripHistory(TaskAnswer.parse(await this.request('POST', `/api/v1/tasks/${encodeURIComponent(id)}/ack`, {})));
  }

  async done(id: string, note: string): Promise<Task> {
    const body = note.trim() === '' ? {} : { note: note.trim().slice(0, 500) };
    return stripHistory(TaskAnswer.parse(await this.request('POST', `/api/v1/tasks/${encodeURIComponent(id)}/done`, body)));
  }

  /** null when the backend has no store list (older backends): callers derive stores from tasks. */
  async stores(): Promise<StoreInfo[] | null> {
    let body: unknown;
    try {
      body = await this.request('GET', '/api/v1/stores');
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
      throw err;
    }
    return StoreList.parse(body).map((s) => ({
      id: s.id,
      name: s.name ?? s.id,
      shelves: (s.shelves ?? []).map((sh) => (typeof sh === 'string' ? { id: sh, aisle: null } : { id: sh.id, aisle: sh.aisle ?? null })),
    }));
  }

  async shelf(storeId: string, shelfId: string): Promise<ShelfView> {
    return ShelfView.parse(await this.request('GET', `/api/v1/stores/${encodeURIComponent(storeId)}/shelves/${encodeURIComponent(shelfId)}`));
  }

  async cases(storeId: string): Promise<CaseView[]> {
    const body = await this.request('GET', `/api/v1/stores/${encodeURIComponent(storeId)}/cases`);
    return z.union([z.array(CaseView), z.object({ cases: z.array(CaseView) }).loose().transform((o) => o.cases)]).parse(body);
  }

  /**
   * EventSource cannot send headers, so the stream takes the token as a query parameter.
   * `afterSeq` resumes a stream opened anew (the browser's own retries send Last-Event-ID,
   * which the server prefers over the parameter).
   */
  streamUrl(afterSeq?: number): string {
    const resume = afterSeq !== undefined && afterSeq > 0 ? `&lastEventId=${afterSeq}` : '';
    return `${this.base}/api/v1/alerts/stream?access_token=${encodeURIComponent(this.token)}${resume}`;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = null;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!res.ok) throw new ApiError(res.status, errorMessage(json) ?? `${method} ${path} failed with HTTP ${res.status}`);
    return json;
  }
}

function errorMessage(json: unknown): string | null {
  if (json !== null && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    for (const key of ['message', 'error', 'detail', 'title']) {
      const v = o[key];
      if (typeof v === 'string' && v !== '') return v;
    }
  }
  return null;
}

/** What the sign-in screen says for a refused token. */
export function signInMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'This token is not recognised. Check it and try again.';
    if (err.status === 403) return 'This token cannot use the staff feed.';
    return `The server answered HTTP ${err.status}: ${err.message}`;
  }
  return 'Cannot reach the ShelfWatch server. Check the network and try again.';
}
