import type { RequestOf } from '../../../shared/ipc/contract';
import { issueFields } from '../../../shared/errors';
// Its own part of the contract, not the whole map.
import { syncChannels } from '../../../shared/ipc/sync-contract';

/** The connection form checked by the contract's own schema, before anything is sent. */
export function checkConnection(
  serverUrl: string,
  token: string,
):
  { ok: true; request: RequestOf<'sync:connect'> } | { ok: false; fields: Record<string, string> } {
  const parsed = syncChannels['sync:connect'].request.safeParse({ serverUrl, token });
  return parsed.success
    ? { ok: true, request: parsed.data }
    : { ok: false, fields: issueFields(parsed.error) };
}
