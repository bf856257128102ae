import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IngestBatch, Reading, Task } from '@shelfwatch/contracts';
import { pino } from 'pino';
import { parseBackendConfig, startBackend, type Backend, type BackendConfig } from '../../src/index.js';
import { E2E_STORE } from './e2e-store.js';

export const E2E_TOKENS = {
  staff: 'e2e-staff-186054f85624f073f269ca25e197864c',
  staff2: 'e2e-staff2-743f8c345885f9d249ba9367df17ca6f',
  supplier: 'e2e-supplier-930eb98081a2f3c41556394e963f722b',
  device: 'e2e-device-723e6532c9f720a10e4d70da4af06cab',
};

/** A real backend (SQLite in a temp folder, the real rules) serving the built staff app. */
export class E2eBackend {
  backend: Backend | null = null;
  private config: BackendConfig | null = null;

  constructor(private readonly opts: { dir: string; webDir: string }) {}

  get url(): string {
    if (this.backend === null) throw new Error('backend not started');
    return this.backend.url;
  }

  async start(): Promise<Backend> {
    if (this.config === null) {
      const layoutFile = path.join(this.opts.dir, 'store.json');
      await writeFile(layoutFile, JSON.stringify(E2E_STORE));
      this.config = parseBackendConfig({
        http: { host: '127.0.0.1', port: 0 },
        dbPath: path.join(this.opts.dir, 'backend.sqlite'),
        layoutFiles: [layoutFile],
        tokens: [
          { token: E2E_TOKENS.staff, role: 'staff', subject: 'anna' },
          { token: E2E_TOKENS.staff2, role: 'staff', subject: 'ben' },
          { token: E2E_TOKENS.supplier, role: 'supplier', subject: 'dairyco' },
          { token: E2E_TOKENS.device, role: 'device', subject: 'gw-e2e' },
        ],
        suppliers: {},
        webDir: this.opts.webDir,
      });
    }
    this.backend = await startBackend(this.config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    // A restart must come back on the same port: the open pages reconnect to the URL they loaded.
    this.config = { ...this.config, http: { ...this.config.http, port: Number(new URL(this.backend.url).port) } };
    return this.backend;
  }

  async stop(): Promise<void> {
    const b = this.backend;
    this.backend = null;
    await b?.close();
  }

  async ingest(readings: Reading[]): Promise<{ accepted: number; duplicates: number }> {
    const batch: IngestBatch = { gatewayId: 'gw-e2e', readings };
    const res = await fetch(`${this.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E_TOKENS.device}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    if (!res.ok) throw new Error(`ingest answered HTTP ${res.status}: ${await res.text()}`);
    return (await res.json()) as { accepted: number; duplicates: number };
  }

  async activeTasks(): Promise<Task[]> {
    const res = await fetch(`${this.url}/api/v1/tasks?status=open,acknowledged`, { headers: { authorization: `Bearer ${E2E_TOKENS.staff}` } });
    if (!res.ok) throw new Error(`tasks answered HTTP ${res.status}`);
    return ((await res.json()) as { tasks: Task[] }).tasks;
  }

  async task(id: string): Promise<Task & { history: { action: string; by: string }[] }> {
    const res = await fetch(`${this.url}/api/v1/tasks/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${E2E_TOKENS.staff}` } });
    if (!res.ok) throw new Error(`task answered HTTP ${res.status}`);
    return (await res.json()) as Task & { history: { action: string; by: string }[] };
  }
}
