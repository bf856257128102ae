import type { Role } from '@shelfwatch/contracts';
import type { RequestHandler, Response } from 'express';
import { tokenDigest, type TokenConfig } from '../config.js';
import { authenticate, BearerTokens, HttpError, type BearerOptions } from '@shelfwatch/service-kit';

export interface Principal {
  role: Role;
  subject: string;
  storeIds?: string[];
}

/** The configured tokens (plain or as sha256 hashes) and who each stands for. */
export class TokenIndex extends BearerTokens<Principal> {
  constructor(tokens: TokenConfig[]) {
    super(
      tokens.map((t) => ({
        digest: Buffer.from(tokenDigest(t).slice('sha256:'.length), 'hex'),
        principal: { role: t.role, subject: t.subject, ...(t.storeIds ? { storeIds: t.storeIds } : {}) },
      })),
    );
  }
}

export function requireRole(index: TokenIndex, roles: Role[], options: BearerOptions = {}): RequestHandler {
  return (req, res, next) => {
    const principal = authenticate(req, res, index, options);
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
