import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultsRequestSchema, type FaultsRequest } from '../../../server/faults';
import type { RunningServer } from '../../../server/index';
import type { TestCore } from '../../fixtures/core';
import { ADMIN, adminPost, consoleFor, rows, server } from '../sync/helpers';

const BACKOFF = { baseMs: 20, factor: 2, maxAttempts: 5, jitter: 0 };
const INVALID = {
  code: 'validation',
  message: 'data.email: must be a valid email address',
  retryable: false,
};

let srv: RunningServer;
let core: TestCore;
const faults = (request: FaultsRequest) => srv.faults.set(FaultsRequestSchema.parse(request));

beforeEach(async () => {
  srv = await server();
  await adminPost(srv, '/api/admin/visitors', {
    visitors: [{ id: 'bad-1', data: { name: 'Visitor', email: 'v@example.com', title: 'Eng' } }],
  });
  core = consoleFor(srv, { backoff: BACKOFF }, ADMIN);
  await core.call('sync:start', {});
});
afterEach(async () => {
  core.dispose();
  await srv.stop();
});

/** Two cases a second review proved wrong once: now regression tests. */
describe('retry queue: orphaned changes and editability after a refusal', () => {
  it('an edit made to a record whose create went to the archive is never left pending unseen', async () => {
    const created = await core.call('visitors:create', { values: { name: 'Never Synced' } });
    faults({ failOperations: { localIdPrefix: created.localId, error: INVALID } });
    await core.call('sync:start', {});
    await core.call('visitors:update', { localId: created.localId, patch: { title: 'Later' } });
    await core.call('sync:start', {});
    const createOp = rows<{ op_id: string }>(
      core,
      "SELECT op_id FROM outbox WHERE action = 'create'",
    )[0]!.op_id;
    const file = await core.call('queue:export', {
      select: { opIds: [createOp] },
      expected: 1,
      format: 'json',
    });
    await core.call('queue:exportSaved', { exportId: file.exportId });
    await core.call('queue:archiveExported', { expected: 1 });
    srv.faults.clear();

    // The record is still in the mirror (stranded), so the user can edit it again.
    await core.call('visitors:update', {
      localId: created.localId,
      patch: { phone: '+1 555 0100' },
    });
    await core.call('sync:start', {});
    await core.call('sync:start', {});

    const ops = rows<{ op_id: string; status: string }>(
      core,
      'SELECT op_id, status FROM outbox WHERE local_id = ? ORDER BY seq',
      created.localId,
    );
    const inQueue = (await core.call('queue:count', { filter: {} })).total;
    // Every operation of a record that can never be sent must be visible to the admin
    // (failed with create_removed), not waiting as "pending" forever.
    expect(ops.map((o) => o.status)).not.toContain('pending');
    expect(inQueue).toBe(ops.length);
  });

  it('an operation the server definitively refused after an earlier 503 can be edited', async () => {
    await core.call('visitors:update', { localId: 'bad-1', patch: { title: 'Lead' } });
    faults({ failRequests: { count: 1, status: 503, retryAfterSeconds: 0 } });
    await core.call('sync:start', {});
    expect(rows(core, 'SELECT status FROM outbox')).toEqual([{ status: 'retrying' }]);
    // The next send reaches the server, which evaluates the opId and refuses it per operation:
    // the server stores only applied results, so it holds nothing for this opId.
    faults({ failOperations: { localIdPrefix: 'bad-', error: INVALID } });
    await new Promise((r) => setTimeout(r, 60));
    await core.call('sync:start', {});
    const op = rows<{ op_id: string; status: string }>(
      core,
      'SELECT op_id, status FROM outbox',
    )[0]!;
    expect(op.status).toBe('failed');
    const detail = await core.call('queue:detail', { opId: op.op_id });
    expect(detail.attempts.map((a) => a.httpStatus)).toEqual([503, 200]);
    // Previously editable; now "may already hold this operation" forever, so the admin
    // can only resend the invalid payload or discard the visitor's change.
    expect(detail).toMatchObject({ editable: true, notEditableReason: null });
  });
});
