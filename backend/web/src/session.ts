const KEY = 'shelfwatch.staffToken';

/**
 * The staff token lives in sessionStorage: it survives a reload of the tab but not the
 * end of the browser session, and never leaves this origin. A shared handheld left
 * behind forgets the token when the browser is closed.
 */
export const session = {
  token(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  save(token: string): void {
    sessionStorage.setItem(KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
