import { useState } from 'preact/hooks';
import { ApiClient, signInMessage } from '../api-client.js';

export interface SignInProps {
  onSignedIn: (token: string) => void;
  /** Why the last session ended (token revoked), shown above the form. */
  notice: string | null;
}

export function SignIn({ onSignedIn, notice }: SignInProps) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const value = token.trim();
    if (value === '') {
      setError('Enter your staff token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // The tasks endpoint is the staff feed's own: a supplier or device token gets 403 here.
      await new ApiClient(value).activeTasks();
      onSignedIn(value);
    } catch (err) {
      setError(signInMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <h1>ShelfWatch</h1>
      <p class="lead">Staff alert feed</p>
      {notice !== null && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} novalidate>
        <label for="token">Staff token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          autocapitalize="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? 'signin-error' : undefined}
        />
        {error !== null && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
