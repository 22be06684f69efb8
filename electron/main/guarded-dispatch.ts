import { appError } from '../../shared/errors';
import type { IpcResult } from '../../shared/ipc/contract';
import { dispatch, type Handlers } from '../core/ipc/dispatch';
import { isTrustedSender, type SenderInfo } from '../core/ipc/sender';

/**
 * One IPC call from a window: the sender is checked before anything else,
 * then the call goes through the contract's dispatch (schema parse, error
 * values). No electron import, so every channel is tested with forged senders.
 */
export async function guardedDispatch(
  handlers: Handlers,
  trustedOrigins: readonly string[],
  channel: string,
  sender: SenderInfo,
  arg: unknown,
): Promise<IpcResult<unknown>> {
  if (!isTrustedSender(sender, trustedOrigins))
    return {
      ok: false,
      error: appError('forbidden_sender', 'This call did not come from the console window.'),
    };
  return dispatch(handlers, channel, arg);
}
