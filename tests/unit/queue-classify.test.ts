import { describe, expect, it } from 'vitest';
import { appError } from '../../shared/errors';
import {
  CLASS_INFO,
  ERROR_CLASSES,
  classify,
  effectiveError,
  type ErrorClass,
} from '../../shared/queue/classify';
import { errorSignature, normalizeMessage } from '../../shared/queue/signature';

const gaveUpAfter = (inner: ReturnType<typeof appError>) =>
  appError('max_attempts', 'Max retry attempts exceeded', false, { lastError: inner, attempts: 5 });

describe('error classification', () => {
  const table: [string, boolean, ErrorClass][] = [
    ['network', true, 'network'],
    ['timeout', true, 'network'],
    ['tls', false, 'network'],
    ['bad_response', true, 'network'],
    ['server', true, 'server'],
    ['database_busy', true, 'server'],
    ['unavailable', true, 'server'],
    ['rate_limited', true, 'rate_limit'],
    ['auth', false, 'auth'],
    ['forbidden', false, 'auth'],
    ['validation', false, 'validation'],
    ['invalid_request', false, 'validation'],
    ['op_id_reused', false, 'validation'],
    ['not_found', false, 'not_found'],
    ['conflict_loop', false, 'conflict_loop'],
    ['create_failed', false, 'blocked'],
    ['create_removed', false, 'blocked'],
    ['interrupted', true, 'network'],
    ['storage_unavailable', true, 'server'],
    // a code the console does not know: the server's retryable says transient trouble on its side
    ['something_new', true, 'server'],
    ['something_new', false, 'other'],
    ['constructor', false, 'other'],
    ['__proto__', false, 'other'],
  ];
  it.each(table)('%s (retryable %s) is %s', (code, retryable, cls) => {
    expect(classify(appError(code, 'x', retryable))).toBe(cls);
  });

  it('classifies "attempts ran out" by the error of the last attempt', () => {
    const e = gaveUpAfter(appError('server', 'The server had a problem (HTTP 503).', true));
    expect(classify(e)).toBe('server');
    expect(effectiveError(e).message).toBe('The server had a problem (HTTP 503).');
    expect(classify(appError('max_attempts', 'Max retry attempts exceeded'))).toBe('other');
  });

  it('has no error at all as other', () => expect(classify(null)).toBe('other'));

  it("the reference server's transient storage_unavailable is server trouble, not 'other'", () => {
    // server/storage/sqlite.ts toStoreError: SQLITE_FULL/IOERR/… → code storage_unavailable, retryable.
    expect(
      classify({
        code: 'storage_unavailable',
        message: 'the database is unavailable (SQLITE_IOERR); try again',
        retryable: true,
      }),
    ).toBe('server');
  });

  it('gives every class its own words and suggested action', () => {
    const labels = new Set(ERROR_CLASSES.map((c) => CLASS_INFO[c].label));
    expect(labels.size).toBe(ERROR_CLASSES.length);
    for (const c of ERROR_CLASSES) {
      expect(CLASS_INFO[c].explanation.length).toBeGreaterThan(20);
      expect(CLASS_INFO[c].action.length).toBeGreaterThan(20);
    }
    expect(CLASS_INFO.validation.retryHelps).toBe(false);
    expect(CLASS_INFO.server.retryHelps).toBe(true);
  });
});

describe('error signature', () => {
  it('takes ids, numbers, quoted values and timestamps out of the message', () => {
    expect(
      normalizeMessage(
        'Visitor 0199e0a4-1c2b-7d3e-8f40-123456789abc at 2025-01-02T03:04:05.678Z: "bob@x" is taken (attempt 3 of 5)',
      ),
    ).toBe('Visitor <id> at <time>: "…" is taken (attempt # of #)');
    expect(normalizeMessage('op local_9f8e7d6c5b4a3 failed  twice')).toBe('op <id> failed twice');
  });

  it('groups the same problem on different records, and splits different problems', () => {
    const a = errorSignature(appError('validation', 'data.email: must be a valid email address'));
    const b = errorSignature(appError('validation', 'data.email: must be a valid email address'));
    const c = errorSignature(appError('validation', 'data.name: is required'));
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect(a).toMatchObject({ cls: 'validation', code: 'validation' });
    const s1 = errorSignature(appError('server', 'The server had a problem (HTTP 503).', true));
    const s2 = errorSignature(appError('server', 'The server had a problem (HTTP 500).', true));
    expect(s1.key).toBe(s2.key);
  });

  it('keeps "gave up" apart from "still retrying" with the same cause', () => {
    const inner = appError('server', 'The server had a problem (HTTP 503).', true);
    const given = errorSignature(gaveUpAfter(inner));
    expect(given.code).toBe('max_attempts:server');
    expect(given.cls).toBe('server');
    expect(given.key).not.toBe(errorSignature(inner).key);
  });
});
