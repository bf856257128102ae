import { useCallback, useState } from 'preact/hooks';
import { session } from '../session.js';
import { Shell } from './shell.js';
import { SignIn } from './sign-in.js';

export function App() {
  const [token, setToken] = useState<string | null>(() => session.token());
  const [notice, setNotice] = useState<string | null>(null);
  const signIn = useCallback((t: string) => {
    session.save(t);
    setNotice(null);
    setToken(t);
  }, []);
  const signOut = useCallback((reason: string | null) => {
    session.clear();
    setNotice(reason);
    setToken(null);
  }, []);
  return token === null ? <SignIn onSignedIn={signIn} notice={notice} /> : <Shell key={token} token={token} onSignOut={signOut} />;
}
