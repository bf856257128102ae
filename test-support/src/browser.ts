import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { makeTempDir } from './temp-dir.js';

/** Debian's chromium package; playwright-core never downloads a browser of its own here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Everything that phones home or shows first-run UI is off, so tests need no network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchBrowserOptions {
  /** Defaults to CHROMIUM_PATH. */
  executablePath?: string;
  /** Defaults to true; SHELFWATCH_HEADED=1 shows the window when debugging locally. */
  headless?: boolean;
}

export interface LaunchedBrowser {
  browser: Browser;
  /** The profile's own context (persistent, in the fresh temp profile). */
  context: BrowserContext;
  /** An isolated context (own storage), e.g. a 360 px handheld: { viewport, isMobile, hasTouch }. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes every context and the browser, then removes the profile directory. */
  close(): Promise<void>;
}

/**
 * Headless Debian chromium with a fresh temporary profile (--user-data-dir) per launch,
 * so no cookie, storage or cache leaks from one test file into another. playwright-core
 * refuses a --user-data-dir argument, so the profile goes through launchPersistentContext.
 */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<LaunchedBrowser> {
  const profile = await makeTempDir('chromium');
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile.path, {
      executablePath: options.executablePath ?? CHROMIUM_PATH,
      headless: options.headless ?? process.env.SHELFWATCH_HEADED !== '1',
      args: CHROMIUM_ARGS,
    });
  } catch (err) {
    await profile.remove();
    throw err;
  }
  const browser = context.browser();
  if (browser === null) {
    await context.close();
    await profile.remove();
    throw new Error('chromium started without a browser handle');
  }
  return {
    browser,
    context,
    newContext: (contextOptions) => browser.newContext(contextOptions),
    close: async () => {
      try {
        await context.close();
      } finally {
        await profile.remove();
      }
    },
  };
}
