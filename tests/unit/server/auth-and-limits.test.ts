import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TokenRegistry, generateDevToken, parseTokenList, roleAllows } from '../../../server/auth';
import { HttpError } from '../../../server/http/errors';
import { RateLimiter } from '../../../server/rate-limit';
import { ServerClock } from '../../../server/clock';
import { uuidv7 } from '../../../server/ids';

const req = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as unknown as IncomingMessage;

function status(fn: () => unknown): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
}

describe('tokens and roles', () => {
  const registry = new TokenRegistry(
    parseTokenList('staff-token-1:staff:Front desk, admin-token-1:admin'),
  );

  it('authenticates a bearer token and returns its role and name', () => {
    expect(registry.authenticate(req('Bearer staff-token-1'), 'staff')).toMatchObject({
      role: 'staff',
      name: 'Front desk',
    });
    expect(registry.authenticate(req('bearer admin-token-1'), 'admin')).toMatchObject({
      role: 'admin',
    });
  });

  it('401 for missing, unknown or malformed; 403 for a role too low', () => {
    expect(status(() => registry.authenticate(req(), 'staff'))).toBe(401);
    expect(status(() => registry.authenticate(req('Bearer nope-nope-nope'), 'staff'))).toBe(401);
    expect(status(() => registry.authenticate(req('Basic c3RhZmY='), 'staff'))).toBe(401);
    expect(status(() => registry.authenticate(req('Bearer staff-token-1 extra'), 'staff'))).toBe(
      401,
    );
    expect(status(() => registry.authenticate(req('Bearer staff-token-1'), 'admin'))).toBe(403);
  });

  it('admin may do what staff may, not the reverse', () => {
    expect(roleAllows('admin', 'staff')).toBe(true);
    expect(roleAllows('staff', 'admin')).toBe(false);
  });

  it('generated development tokens are long and random', () => {
    const a = generateDevToken();
    const b = generateDevToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThan(30);
    expect(a.role).toBe('admin');
  });
});

describe('rate limiter (token bucket)', () => {
  it('allows bursts of capacity, then says when to come back', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 0.5 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].every((r) => r.ok)).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(limiter.take('b').ok).toBe(true); // per token
    now += 2000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });
});

describe('server clock', () => {
  it('stamps strictly increase and observe never goes back, even if the wall clock does', () => {
    let wall = 1000;
    const clock = new ServerClock(() => wall);
    expect(clock.stamp()).toBe(1000);
    expect(clock.stamp()).toBe(1001);
    expect(clock.observe()).toBe(1001);
    wall = 500;
    expect(clock.stamp()).toBe(1002);
    clock.advancePast(5000);
    expect(clock.stamp()).toBe(5001);
    wall = 9000;
    expect(clock.observe()).toBe(9000);
    expect(clock.stamp()).toBe(9001);
  });
});

describe('uuidv7', () => {
  it('is a v7 uuid and sorts by creation, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(1_700_000_000_000));
    ids.push(uuidv7(1_700_000_000_001));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
