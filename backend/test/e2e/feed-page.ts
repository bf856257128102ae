import type { BrowserContext, Locator, Page } from 'playwright-core';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

/** The staff app as a test sees it: role- and label-based locators, as a person would use it. */
export class FeedPage {
  constructor(readonly page: Page) {}

  static async open(context: BrowserContext, url: string): Promise<FeedPage> {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(url);
    return new FeedPage(page);
  }

  async submitToken(token: string): Promise<void> {
    await this.page.getByLabel('Staff token').fill(token);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async signIn(token: string): Promise<void> {
    await this.submitToken(token);
    await this.connection('live');
  }

  connection(state: ConnectionState): Promise<void> {
    return this.page.locator(`[data-testid="connection"][data-status="${state}"]`).waitFor();
  }

  card(taskId: string): Locator {
    return this.page.locator(`article[data-task-id="${taskId}"]`);
  }

  cardsOfKind(kind: string): Locator {
    return this.page.locator(`article[data-kind="${kind}"]`);
  }

  async tab(name: 'Tasks' | 'Shelves' | 'Cold chain'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name }).click();
  }

  /** Set once per document: still there later proves the page was never reloaded. */
  async markDocument(): Promise<void> {
    await this.page.evaluate('window.__e2eMark = "same-document"');
  }

  async sameDocument(): Promise<boolean> {
    return (await this.page.evaluate('window.__e2eMark')) === 'same-document';
  }

  async horizontalOverflow(): Promise<{ scrollWidth: number; clientWidth: number }> {
    return this.page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
  }

  /**
   * Text whose contrast with its background is under WCAG AA (4.5:1, or 3:1 for large
   * text). The background is the nearest opaque ancestor background colour.
   */
  async lowContrastText(): Promise<string[]> {
    return this.page.evaluate<string[]>(`(() => {
      const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const bad = [];
      for (const el of document.querySelectorAll('body *')) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
        if (!own || el.getClientRects().length === 0 || el.closest('.visually-hidden')) continue;
        const style = getComputedStyle(el);
        const a = lum(rgb(style.color).slice(0, 3));
        const b = lum(background(el));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) bad.push(el.textContent.trim().slice(0, 40) + ' (' + ratio.toFixed(2) + ':1)');
      }
      return bad;
    })()`);
  }
}
