import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RoleSchema, type Role } from '../shared/protocol';
import { HttpError } from './http/errors';

/**
 * Bearer tokens with roles. Tokens come from VISITOR_SYNC_TOKENS
 * ("token:role[:name],token:role[:name]") or the embedding caller. Tokens are
 * looked up by their SHA-256, so the lookup's timing says nothing about
 * the secret itself.
 */

export interface TokenSpec {
  token: string;
  role: Role;
  name?: string;
}

export interface Principal {
  role: Role;
  name?: string;
  /** A stable, non-secret key for this token (rate limiting). */
  key: string;
}

const TOKEN_RE = /^[A-Za-z0-9._~+/=-]{8,512}$/;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Parses "token:role[:name],…". Throws an Error with a message naming the bad entry. */
export function parseTokenList(text: string): TokenSpec[] {
  const specs: TokenSpec[] = [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) throw new Error('VISITOR_SYNC_TOKENS: no tokens given');
  entries.forEach((entry, i) => {
    const [token = '', role = '', ...rest] = entry.split(':');
    if (!TOKEN_RE.test(token)) {
      throw new Error(
        `VISITOR_SYNC_TOKENS entry ${i + 1}: a token is 8-512 characters of A-Z a-z 0-9 . _ ~ + / = -`,
      );
    }
    const parsedRole = RoleSchema.safeParse(role);
    if (!parsedRole.success) {
      throw new Error(
        `VISITOR_SYNC_TOKENS entry ${i + 1}: role must be staff or admin, not "${role}"`,
      );
    }
    const name = rest.join(':').trim();
    specs.push({ token, role: parsedRole.data, ...(name ? { name } : {}) });
  });
  return specs;
}

export function generateDevToken(role: Role = 'admin'): TokenSpec {
  return { token: `dev-${randomBytes(24).toString('base64url')}`, role, name: 'development' };
}

export function roleAllows(role: Role, required: Role): boolean {
  return required === 'staff' || role === 'admin';
}

export class TokenRegistry {
  private readonly byHash = new Map<string, Principal>();

  constructor(specs: readonly TokenSpec[]) {
    for (const spec of specs) {
      if (!TOKEN_RE.test(spec.token))
        throw new Error('a token is 8-512 characters of A-Z a-z 0-9 . _ ~ + / = -');
      const key = hashToken(spec.token);
      this.byHash.set(key, { role: spec.role, ...(spec.name ? { name: spec.name } : {}), key });
    }
  }

  /** The caller, or a 401/403 HttpError. */
  authenticate(req: { headers: IncomingHttpHeaders }, required: Role): Principal {
    const header = req.headers.authorization;
    const challenge = { 'WWW-Authenticate': 'Bearer realm="visitor-sync"' };
    if (!header) {
      throw new HttpError(401, 'unauthorized', 'Authorization: a bearer token is required', {
        headers: challenge,
      });
    }
    const m = /^Bearer +(\S+)$/i.exec(header);
    const principal = m ? this.byHash.get(hashToken(m[1]!)) : undefined;
    if (!principal) {
      throw new HttpError(401, 'unauthorized', 'Authorization: the token is not valid', {
        headers: challenge,
      });
    }
    if (!roleAllows(principal.role, required)) {
      throw new HttpError(
        403,
        'forbidden',
        `this needs the ${required} role; the token has ${principal.role}`,
      );
    }
    return principal;
  }
}
