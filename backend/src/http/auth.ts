import type { Role } from '@shelfwatch/contracts';
import type { RequestHandler, Response } from 'express';
import { timingSafeEqual, createHash } from 'node:crypto';
import { tokenDigest, type TokenConfig } from '../config.js';
import { HttpError } from './http-errors.js';

export interface Principal {
  role: Role;
  subject: string;
  storeIds?: string[];
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Bearer tokens from config (plain or as sha256 hashes). Compared by digest in constant time so timing reveals nothing. */
export class TokenIndex {
  private readonly entries: { digest: Buffer; principal: Principal }[];

  constructor(tokens: TokenConfig[]) {
    this.entries = tokens.map((t) => ({
      digest: Buffer.from(tokenDigest(t).slice('sha256:'.length), 'hex'),
      principal: { role: t.role, subject: t.subject, ...(t.storeIds ? { storeIds: t.storeIds } : {}) },
    }));
  }

  find(token: string): Principal | undefined {
    const d = digest(token);
    let found: Principal | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d)) found = e.principal;
    return found;
  }
}

export interface AuthOptions {
  /** EventSource cannot send headers: the SSE route also accepts ?access_token=. */
  allowQueryToken?: boolean;
}

export function requireRole(index: TokenIndex, roles: Role[], options: AuthOptions = {}): RequestHandler {
  return (req, res, next) => {
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
    if (!principal) {
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'unauthorized', 'unknown bearer token');
    }
    if (!roles.includes(principal.role)) {
      throw new HttpError(403, 'forbidden', `role '${principal.role}' may not do this (needs ${roles.join(' or ')})`);
    }
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new HttpError(401, 'unauthorized', 'not authenticated');
  return p;
}

export function canSeeStore(p: Principal, storeId: string): boolean {
  return p.storeIds === undefined || p.storeIds.includes(storeId);
}

export function assertStore(p: Principal, storeId: string): void {
  if (!canSeeStore(p, storeId)) throw new HttpError(403, 'forbidden', `this token may not access store '${storeId}'`);
}
