import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { TaskWithHistory, type EventTimeBound, type Reading, type StoreLayout } from '@shelfwatch/contracts';
import type { BackendConfigInput } from '@shelfwatch/backend';
import { repoRoot } from '@shelfwatch/test-support';
import { z } from 'zod';
import type { DemoSecrets } from './secrets.js';
import { startService, type ServiceProcess } from './processes.js';

const ROOT = repoRoot(import.meta.dirname);
const TaskPage = z.object({ tasks: z.array(z.object({ id: z.string() }).loose()) });

export interface BackendConfigParts {
  secrets: DemoSecrets;
  /** Supplier id → webhook URL; none = webhooks stay in the backend's outbox. */
  webhookUrls?: Record<string, string>;
  influxUrl?: string;
  /** Simulated hours of readings the backend keeps for replay (the run's length, at least). */
  replayHours?: number;
  /** Event times the backend accepts (a simulation runs ahead of and behind the wall clock). */
  eventTime?: EventTimeBound;
}

/** The demo store's part of a backend config: tokens, suppliers, InfluxDB, the staff web app (the caller adds port, database and layout). */
export function demoBackendConfig(parts: BackendConfigParts): Omit<BackendConfigInput, 'http' | 'dbPath' | 'layoutFiles'> {
  return {
    // The simulated store uses the published demo tokens and webhook secrets.
    demo: true,
    tokens: parts.secrets.tokens,
    suppliers: Object.fromEntries(
      Object.entries(parts.webhookUrls ?? {}).map(([id, url]) => [id, { webhookUrl: url, webhookSecret: parts.secrets.suppliers[id]?.webhookSecret ?? '' }]),
    ),
    // The demo supplier listens on loopback: an explicit allowance (supplier webhooks go to public addresses only otherwise).
    ...(parts.webhookUrls ? { webhooks: { allowPrivateNetworks: ['127.0.0.1/32'] } } : {}),
    ...(parts.influxUrl ? { influx: { url: parts.influxUrl } } : {}),
    ...(parts.eventTime ? { eventTime: parts.eventTime } : {}),
    ...(parts.replayHours ? { replayHours: Math.min(24 * 14, Math.ceil(parts.replayHours)) } : {}),
    webDir: path.join(ROOT, 'backend/web/dist'),
  };
}

/** Writes a backend config for the demo store into dir and starts the backend process. */
export async function startBackend(name: string, parts: BackendConfigParts & { dir: string; layoutFile: string }, logDir: string): Promise<ServiceProcess<'backend'>> {
  const configFile = path.join(parts.dir, `${name}.json`);
  const config: BackendConfigInput = {
    http: { host: '127.0.0.1', port: 0 },
    dbPath: path.join(parts.dir, `${name}.sqlite`),
    layoutFiles: [parts.layoutFile],
    ...demoBackendConfig(parts),
  };
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return startService('backend', configFile, logDir, name);
}

/** A stock count of the backroom (operations role): what the rules know is there to restock from. */
export async function countBackroom(url: string, token: string, storeId: string, lines: { sku: string; units: number }[]): Promise<void> {
  if (lines.length === 0) return;
  const res = await fetch(`${url}/api/v1/stores/${encodeURIComponent(storeId)}/backroom`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ lines }),
  });
  if (!res.ok) throw new Error(`backroom count refused: HTTP ${res.status} ${await res.text()}`);
}

export function tokenOf(secrets: DemoSecrets, role: 'operations' | 'staff' | 'device'): string {
  return secrets.tokens.find((t) => t.role === role)?.token ?? '';
}

/** Every task of a store with its history (the list endpoint, then each task). */
export async function fetchTasksWithHistory(url: string, token: string, layout: StoreLayout): Promise<TaskWithHistory[]> {
  const headers = { authorization: `Bearer ${token}` };
  const list = await fetch(`${url}/api/v1/tasks?store=${encodeURIComponent(layout.store.id)}&status=open,acknowledged,done,resolved&limit=5000`, { headers });
  if (!list.ok) throw new Error(`GET /api/v1/tasks: ${list.status} ${await list.text()}`);
  const { tasks } = TaskPage.parse(await list.json());
  const out: TaskWithHistory[] = [];
  for (const { id } of tasks) {
    const res = await fetch(`${url}/api/v1/tasks/${encodeURIComponent(id)}`, { headers });
    if (!res.ok) throw new Error(`GET /api/v1/tasks/${id}: ${res.status} ${await res.text()}`);
    out.push(TaskWithHistory.parse(await res.json()));
  }
  return out;
}

/** POSTs readings to /api/v1/ingest as the gateway does, one batch after the other. */
export async function ingest(url: string, token: string, gatewayId: string, batches: readonly Reading[][]): Promise<void> {
  for (const readings of batches) {
    if (readings.length === 0) continue;
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ gatewayId, readings }),
    });
    if (!res.ok) throw new Error(`POST /api/v1/ingest: ${res.status} ${(await res.text()).slice(0, 500)}`);
  }
}
