import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { HttpError } from './http-error.js';

/** sha256 of a secret: what secrets are compared by, so the comparison takes the same time whatever their lengths. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of two secrets (by digest). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(secretDigest(a), secretDigest(b));
}

/**
 * Bearer tokens and who they stand for, held as sha256 digests. A lookup compares the
 * digest with every entry in constant time and never stops early, so timing reveals
 * neither a token nor how many there are before it.
 */
export class BearerTokens<P> {
  constructor(private readonly entries: readonly { digest: Buffer; principal: P }[]) {}

  /** Plain tokens, each standing for the same principal. */
  static of<P>(tokens: readonly string[], principal: P): BearerTokens<P> {
    return new BearerTokens(tokens.map((t) => ({ digest: secretDigest(t), principal })));
  }

  find(token: string): P | undefined {
    const d = secretDigest(token);
    let found: P | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d)) found = e.principal;
    return found;
  }
}

export interface BearerOptions {
  /** EventSource cannot send headers: such routes also accept ?access_token=. */
  allowQueryToken?: boolean;
}

/** The principal of the request's bearer token; a 401 (with its WWW-Authenticate) when there is none or it is unknown. */
export function authenticate<P>(req: Request, res: Response, index: BearerTokens<P>, options: BearerOptions = {}): P {
  const header = req.get('authorization');
  let token: string | undefined;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HttpError(401, 'unauthorized', 'Authorization header must be "Bearer <token>"');
    token = m[1];
  } else if (options.allowQueryToken && typeof req.query.access_token === 'string') {
    token = req.query.access_token;
  }
  if (token === undefined) {
    res.setHeader('www-authenticate', 'Bearer');
    throw new HttpError(401, 'unauthorized', 'missing bearer token');
  }
  const principal = index.find(token);
  if (principal === undefined) {
    res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
    throw new HttpError(401, 'unauthorized', 'unknown bearer token');
  }
  return principal;
}
