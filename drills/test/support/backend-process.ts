import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendConfigInput } from '@shelfwatch/backend';
import { startService, TEST_GATEWAY_TOKEN as TOKEN, type ManagedProcess } from '@shelfwatch/test-support';
import Database from 'better-sqlite3';

/** Tokens the drills' backend knows; the device token is the one the gateway fixtures configure. */
export const BACKEND_TOKENS = {
  device: TOKEN,
  ops: 'drill-ops-58f70a4105e8e083ed9274ba049a0936',
  staff: 'drill-staff-0c4490fde6f6403d343c01bc5755c336',
  supplier: 'drill-supplier-b64019cf98b735afda0afbe0f13c819b',
};
export const SUPPLIER_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export interface BackendFilesOptions {
  dir: string;
  layoutFile: string;
  port: number;
  webhookUrl?: string;
}

/** The drills' part of a backend config: their tokens and supplier (the caller adds port, database and layout). */
export function drillBackendConfig(webhookUrl = 'http://127.0.0.1:9/sup-1'): Omit<BackendConfigInput, 'http' | 'dbPath' | 'layoutFiles'> {
  return {
    tokens: [
      { token: BACKEND_TOKENS.device, role: 'device', subject: 'gw-1' },
      { token: BACKEND_TOKENS.ops, role: 'operations', subject: 'olga' },
      { token: BACKEND_TOKENS.staff, role: 'staff', subject: 'alice' },
      { token: BACKEND_TOKENS.supplier, role: 'supplier', subject: 'sup-1' },
    ],
    suppliers: { 'sup-1': { webhookUrl, webhookSecret: SUPPLIER_SECRET } },
    // The drills' webhook receiver listens on loopback.
    webhooks: { allowPrivateNetworks: ['127.0.0.1/32'] },
  };
}

/** Writes a backend config (fixed port, so a restarted backend is where the gateway expects it). */
export async function writeBackendConfig(o: BackendFilesOptions): Promise<{ configFile: string; dbPath: string; url: string }> {
  const dbPath = path.join(o.dir, 'backend.sqlite');
  const configFile = path.join(o.dir, 'backend.json');
  await writeFile(
    configFile,
    JSON.stringify({ http: { host: '127.0.0.1', port: o.port }, dbPath, layoutFiles: [o.layoutFile], ...drillBackendConfig(o.webhookUrl) } satisfies BackendConfigInput),
  );
  return { configFile, dbPath, url: `http://127.0.0.1:${o.port}` };
}

/** Spawns the compiled backend (plain node) and resolves on its ready line. */
export async function spawnBackend(configFile: string): Promise<{ proc: ManagedProcess; url: string }> {
  const { proc, ready } = await startService('backend', configFile);
  return { proc, url: ready.url };
}

/** Reading ids the backend has stored, in the order it stored them (read-only, beside the live process). */
export function storedReadingIds(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT id FROM reading_ids ORDER BY rowid').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

export interface TaskView {
  id: string;
  kind: string;
  status: string;
  history?: { action: string }[];
}

export async function backendGet<T>(url: string, urlPath: string, token = BACKEND_TOKENS.ops): Promise<T> {
  const res = await fetch(`${url}${urlPath}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${urlPath}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function allTasks(url: string): Promise<TaskView[]> {
  const body = await backendGet<{ tasks: TaskView[] }>(url, '/api/v1/tasks?status=open,acknowledged,done,resolved');
  return body.tasks;
}

/** Sums a prom-client counter's samples whose labels match. */
export async function metricSum(url: string, name: string, match: (labels: string) => boolean = () => true): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (match(m[2] ?? '')) sum += Number(m[3]);
  }
  return sum;
}

export interface TaskWithHistory extends TaskView {
  history: { action: string; at: number; by: string }[];
}

export async function taskWithHistory(url: string, id: string): Promise<TaskWithHistory> {
  return backendGet<TaskWithHistory>(url, `/api/v1/tasks/${encodeURIComponent(id)}`);
}

export async function backendPost(url: string, urlPath: string, body: unknown, token = BACKEND_TOKENS.staff): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}${urlPath}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}
