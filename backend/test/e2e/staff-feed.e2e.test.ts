import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Task } from '@shelfwatch/contracts';
import { launchBrowser, makeTempDir, waitUntil, type LaunchedBrowser, type TempDir } from '@shelfwatch/test-support';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TOKENS, E2eBackend } from './e2e-backend.js';
import { OAT_SLOT, RICE_SLOT, ReadingFactory } from './e2e-store.js';
import { ensureWebBuild } from './ensure-web-build.js';
import { FeedPage } from './feed-page.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts');
const HANDHELD = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

/**
 * The staff app in Debian's chromium against a real backend (real rules, SQLite, SSE) fed
 * with readings over POST /api/v1/ingest, as the gateway would. Event time runs in the
 * recent past so relative times read like a real shift.
 */
describe('staff alert feed in a real browser', () => {
  let dir: TempDir;
  let server: E2eBackend;
  let chromium: LaunchedBrowser;
  const contexts: BrowserContext[] = [];
  const readings = new ReadingFactory(Date.now() - 100 * 60_000);

  const newContext = async (options: Parameters<LaunchedBrowser['newContext']>[0] = DESKTOP) => {
    const context = await chromium.newContext(options);
    contexts.push(context);
    return context;
  };

  const taskWhere = async (what: string, match: (t: Task) => boolean): Promise<Task> =>
    waitUntil(async () => (await server.activeTasks()).find(match), { what, timeoutMs: 10_000 });

  beforeAll(async () => {
    const webDir = await ensureWebBuild();
    dir = await makeTempDir('e2e-feed');
    server = new E2eBackend({ dir: dir.path, webDir });
    await server.start();
    chromium = await launchBrowser();
    // A normal store to start from: shelf stocked as planned, case 4 cold, no defrost, door shut.
    await server.ingest([readings.defrost(0, false), readings.door(0, false), ...readings.minutes(0, 34, { oat: 15, rice: 10 })]);
    expect(await server.activeTasks()).toEqual([]);
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await chromium?.close();
    await server?.stop();
    await dir?.remove();
  });

  it('refuses supplier and device tokens at sign-in and keeps no token', async () => {
    const context = await newContext();
    for (const token of [E2E_TOKENS.supplier, E2E_TOKENS.device]) {
      const feed = await FeedPage.open(context, server.url);
      await feed.submitToken(token);
      await feed.page.getByRole('alert').getByText('This token cannot use the staff feed').waitFor();
      expect(await feed.page.evaluate('sessionStorage.length')).toBe(0);
      expect(await feed.page.getByRole('navigation', { name: 'Views' }).count()).toBe(0);
      await feed.page.close();
    }
    const feed = await FeedPage.open(context, server.url);
    await feed.submitToken('not-a-token-at-all-0000');
    await feed.page.getByRole('alert').getByText('not recognised').waitFor();
  });

  it('shows a task raised by an ingested reading without a reload, in words, with kind and severity', async () => {
    const feed = await FeedPage.open(await newContext(), server.url);
    await feed.signIn(E2E_TOKENS.staff);
    await feed.page.getByTestId('empty-feed').waitFor();
    await feed.markDocument();

    // Sold out at minute 35; both sensors agree for three minutes.
    await server.ingest(readings.minutes(35, 39, { oat: 0, rice: 10 }));
    const task = await taskWhere('out of stock task', (t) => t.kind === 'out_of_stock' && t.location.slotId === OAT_SLOT.slotId);

    const card = feed.card(task.id);
    await card.waitFor();
    const text = await card.innerText();
    expect(text).toContain('Out of stock');
    expect(text).toContain('Critical');
    expect(text).toContain(task.location.label);
    expect(text).toContain(task.action);
    expect(text).toContain(task.reason);
    expect(text).toMatch(/min ago|h ago|just now/);
    await feed.page.getByTestId('announcer').getByText('New out of stock task').waitFor({ state: 'attached' });
    expect(await feed.sameDocument()).toBe(true);
  });

  it('acknowledging in one page updates another, and Done records the corrective-action note', async () => {
    const task = await taskWhere('out of stock task', (t) => t.kind === 'out_of_stock' && t.location.slotId === OAT_SLOT.slotId);
    const anna = await FeedPage.open(await newContext(), server.url);
    await anna.signIn(E2E_TOKENS.staff);
    const ben = await FeedPage.open(await newContext(HANDHELD), server.url);
    await ben.signIn(E2E_TOKENS.staff2);
    await ben.card(task.id).waitFor();

    await anna.card(task.id).getByRole('button', { name: 'Acknowledge' }).click();
    await ben.page.locator(`article[data-task-id="${task.id}"][data-status="acknowledged"]`).waitFor();
    expect(await ben.card(task.id).getByTestId('acked').innerText()).toContain('Acknowledged by anna');
    expect(await ben.card(task.id).getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

    await ben.card(task.id).getByRole('button', { name: 'Done…' }).click();
    await ben.card(task.id).getByLabel('Corrective action (optional)').fill('Restocked 18 units from the backroom');
    await ben.card(task.id).getByRole('button', { name: 'Confirm done' }).click();
    await anna.card(task.id).waitFor({ state: 'detached' });
    await ben.card(task.id).waitFor({ state: 'detached' });

    const done = await server.task(task.id);
    expect(done.status).toBe('done');
    expect(done.note).toBe('Restocked 18 units from the backroom');
    expect(done.closedBy).toBe('ben');
    expect(done.acknowledgedBy).toBe('anna');
  });

  it('shows reconnecting while the backend is down, then catches up on what it missed', async () => {
    const feed = await FeedPage.open(await newContext(), server.url);
    await feed.signIn(E2E_TOKENS.staff);
    await feed.markDocument();

    // Keep this page's stream cut off until the task below exists, so only the resume
    // (Last-Event-ID) or the snapshot on reconnect can bring it in, never the live stream.
    const stream = '**/api/v1/alerts/stream**';
    await feed.page.route(stream, (route) => route.abort('connectionrefused'));
    await server.stop();
    await feed.connection('reconnecting');
    await server.start();
    await server.ingest([...readings.minutes(40, 44, { oat: 0, rice: 10 }), ...readings.minutes(45, 49, { oat: 0, rice: 0 })]);
    const task = await taskWhere('rice out of stock', (t) => t.kind === 'out_of_stock' && t.location.slotId === RICE_SLOT.slotId);
    expect(await feed.page.getByTestId('connection').getAttribute('data-status')).toBe('reconnecting');
    expect(await feed.card(task.id).count()).toBe(0);

    await feed.page.unroute(stream);
    await feed.connection('live');
    await feed.card(task.id).waitFor();
    expect(await feed.sameDocument()).toBe(true);

    // And the live stream works again after the restart.
    await server.ingest([...readings.minutes(50, 50, { oat: 0, rice: 0 }), ...readings.minutes(51, 52, { oat: 0, rice: 12 })]);
    await feed.card(task.id).waitFor({ state: 'detached' });
  });

  it('filters by kind and shows the cold chain and the planogram of a shelf', async () => {
    // The case warms (air 9 °C; the product simulant follows it slowly); the oat slot, restocked
    // after the earlier task was done, sells out again: a second, new task.
    const warm = { rice: 12, airC: (m: number) => 9 + (m % 3) * 0.3, productC: (m: number) => 9 - 6 * Math.exp(-(m - 52) / 30) };
    await server.ingest([...readings.minutes(53, 85, { ...warm, oat: 0 }), ...readings.minutes(86, 87, { ...warm, oat: 15 }), ...readings.minutes(88, 92, { ...warm, oat: 0 })]);
    const excursion = await taskWhere('temperature excursion', (t) => t.kind === 'temperature_excursion');

    const feed = await FeedPage.open(await newContext(), server.url);
    await feed.signIn(E2E_TOKENS.staff);
    await feed.card(excursion.id).waitFor();
    await feed.cardsOfKind('out_of_stock').first().waitFor();

    await feed.page.getByRole('group', { name: 'Filter tasks by kind' }).getByRole('button', { name: /Temperature/ }).click();
    await feed.cardsOfKind('out_of_stock').first().waitFor({ state: 'detached' });
    const kinds = await feed.page.evaluate<string[]>(`[...document.querySelectorAll('article[data-kind]')].map((e) => e.dataset.kind)`);
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['temperature_excursion']));
    await feed.page.getByRole('button', { name: /^All/ }).click();
    await feed.cardsOfKind('out_of_stock').first().waitFor();

    await feed.tab('Cold chain');
    const caseCard = feed.page.locator('li[data-case-id="case-4"]');
    await caseCard.waitFor();
    expect(await caseCard.getAttribute('data-state')).toBe('alarm');
    const caseText = await caseCard.innerText();
    expect(caseText).toContain('Alarm');
    expect(caseText).toMatch(/\d+\.\d °C/);
    // Too little history for a normal: the card says so rather than judge the refrigeration.
    expect(caseText).toContain('still learning this case’s normal');

    await feed.tab('Shelves');
    const slot = feed.page.locator('li[data-slot-id="3b-1"]');
    await slot.waitFor();
    const slotText = await slot.innerText();
    expect(slotText).toContain('Oat milk 1 l');
    expect(slotText).toContain('0 of 18 units');
    expect(slotText).toContain('Gap');
  });

  it('keeps the token for the session: a reload stays signed in, Sign out forgets it', async () => {
    const feed = await FeedPage.open(await newContext(), server.url);
    await feed.signIn(E2E_TOKENS.staff);
    await feed.page.reload();
    await feed.connection('live');
    await feed.page.getByRole('button', { name: 'Sign out' }).click();
    await feed.page.getByLabel('Staff token').waitFor();
    expect(await feed.page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('is reachable by keyboard: Tab to Acknowledge and press Enter', async () => {
    const feed = await FeedPage.open(await newContext(), server.url);
    await feed.signIn(E2E_TOKENS.staff);
    await feed.page.locator('article[data-status="open"]').first().waitFor();
    let taskId: string | null = null;
    for (let i = 0; i < 60 && taskId === null; i++) {
      await feed.page.keyboard.press('Tab');
      taskId = await feed.page.evaluate<string | null>(
        `(() => { const el = document.activeElement; return el && el.textContent.trim() === 'Acknowledge' ? el.closest('article').dataset.taskId : null; })()`,
      );
    }
    expect(taskId).not.toBeNull();
    await feed.page.keyboard.press('Enter');
    await feed.page.locator(`article[data-task-id="${taskId}"][data-status="acknowledged"]`).waitFor();
  });

  it('fits a 360 px handheld without sideways scrolling, with large touch targets; screenshots saved', async () => {
    const feed = await FeedPage.open(await newContext(HANDHELD), server.url);
    await feed.signIn(E2E_TOKENS.staff);
    await feed.page.locator('article[data-task-id]').first().waitFor();
    for (const tab of ['Tasks', 'Shelves', 'Cold chain'] as const) {
      await feed.tab(tab);
      await feed.page.locator('main li, main article').first().waitFor();
      const { scrollWidth, clientWidth } = await feed.horizontalOverflow();
      expect(scrollWidth, `${tab}: page scrolls sideways`).toBeLessThanOrEqual(clientWidth);
      const small = await feed.page.evaluate<string[]>(`[...document.querySelectorAll('button')]
        .map((e) => ({ text: e.textContent.trim(), box: e.getBoundingClientRect() }))
        .filter((b) => b.box.width > 0 && (b.box.height < 48 || b.box.width < 48))
        .map((b) => b.text + ' (' + b.box.width + 'x' + b.box.height + ')')`);
      expect(small, `${tab}: buttons under 48 px`).toEqual([]);
      expect(await feed.lowContrastText(), `${tab}: text under WCAG AA contrast`).toEqual([]);
      const shot = { Tasks: 'feed-360.png', Shelves: 'shelf-360.png', 'Cold chain': 'cold-chain-360.png' }[tab];
      await feed.page.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: tab !== 'Tasks' });
    }
    await feed.tab('Tasks');

    const desktop = await FeedPage.open(await newContext(DESKTOP), server.url);
    await desktop.signIn(E2E_TOKENS.staff);
    await desktop.page.locator('article[data-task-id]').first().waitFor();
    expect((await desktop.horizontalOverflow()).scrollWidth).toBeLessThanOrEqual((await desktop.horizontalOverflow()).clientWidth);
    await desktop.page.screenshot({ path: path.join(ARTIFACTS, 'feed-desktop.png'), fullPage: true });
  });
});
