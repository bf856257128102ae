import { randomBytes } from 'node:crypto';
import { secretDigest } from '@shelfwatch/service-kit';

/** Bearer tokens must carry at least this much entropy (32 hex or 22 base64 characters of randomness). */
export const MIN_TOKEN_BITS = 128;

const sha256 = (value: string) => secretDigest(value).toString('hex');

/**
 * Secrets published in this repository, which anybody can read: config/demo/api.demo.json
 * (demo API tokens and supplier webhook secrets), the fallback tokens docker-compose.yml
 * once had, and the placeholders of config/compose/example.env. Kept as SHA-256 digests;
 * accepted only in demo mode.
 */
const PUBLISHED_SECRET_DIGESTS = new Set([
  'acfc941e7c7fa89cf4a0de1ce8428530f829c9ea2a85399bc24ce4b990672e01',
  'b2a9d66f56706202f4ec853c7ddfe7d3ea4db028b3b728c163139b8baf63a638',
  'a8fbf53b711f296fb6b88d62b25c48ccae6ab0d5ea52e2757950672397996649',
  '608111497e7594a053b79c04afaa557daa074ff7eeb1dcfe05ba1f85eaf0f8f4',
  '28265d78cbc18bd5afc7d5220ea4fbfa84496eb92fc1e6a5109c555d697c3e1d',
  'ed3ba6cf9cfa92d6da46ca9bad33ffad9eb90c5bb7ecfda07e3bb24bdce0a5af',
  '60840d1aaa8fbf4c170da744cfeea8eb0b238ded1b9f5fdca63c1b2cb8b7c469',
  '14061796481a533e4614857f5309f44ba837f540c76f0335e3429b34c21f5922',
  '94c0626fdb643e11e8ffc9c0877b392a7e4213c2bd6d4af03ae22e1798613b75',
  '9e095ba575c19e59dc543ee8704a5f4362012defba4d2ee9c81c3bc3296b7a4f',
  '8fab59fc69da11357c7516e67f5ec34996411a41727e32e3f441708dbf3b27e2',
  '52cbcb95f2fc2f9d01e14202866463828726587b17f0ecf83261b27eff88161b',
  '05dff5fde414fbbcd23559051bd0cbbdeaa02b3a11915c68ba7c75cc791930cd',
]);

export function isPublishedSecret(value: string): boolean {
  return PUBLISHED_SECRET_DIGESTS.has(sha256(value));
}

/**
 * The entropy a token can carry at most: its length times the bits of the alphabet it is
 * drawn from (hex 4, base64/base64url 6, other printable ~6.6). A token that is a long run
 * of one character or a counting sequence ("aaaa…", "0123456789…"), or uses a handful of
 * characters, is rated 0. This is an upper bound for a made-up token (words and dates
 * score high); tokens should come from `npm run token -w @shelfwatch/backend`.
 */
export function tokenBits(token: string): number {
  if (token.length === 0 || new Set(token).size < 8 || /(.)\1{7}/.test(token) || hasCountingRun(token, 8)) return 0;
  const alphabet = /^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token) ? 16 : /^[A-Za-z0-9_-]+$/.test(token) || /^[A-Za-z0-9+/]+=*$/.test(token) ? 64 : 94;
  return token.length * Math.log2(alphabet);
}

function hasCountingRun(token: string, length: number): boolean {
  let run = 1;
  for (let i = 1; i < token.length; i++) {
    run = token.charCodeAt(i) - token.charCodeAt(i - 1) === 1 ? run + 1 : 1;
    if (run >= length) return true;
  }
  return false;
}

/** Why a token may not be used outside demo mode, or null. */
export function tokenWeakness(token: string): string | null {
  if (isPublishedSecret(token)) return 'it is a published demo or example token';
  const bits = tokenBits(token);
  if (bits < MIN_TOKEN_BITS) return `it carries at most ${Math.floor(bits)} bits of entropy, fewer than ${MIN_TOKEN_BITS} (e.g. 32 random hex or 22 random base64 characters)`;
  return null;
}

/** Tokens may be stored hashed in the config: "sha256:<64 hex digits>" of the token. */
export const TOKEN_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export function hashToken(token: string): string {
  return `sha256:${sha256(token)}`;
}

/** A new token (256 random bits, base64url) and its hash for the config file. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}
