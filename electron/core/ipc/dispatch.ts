import { AppErrorException, appError, describeIssues, type AppError } from '../../../shared/errors';
import {
  channels,
  isChannel,
  type Channel,
  type IpcResult,
  type RequestOf,
  type ResponseOf,
} from '../../../shared/ipc/contract';

export type Handler<C extends Channel> = (
  request: RequestOf<C>,
) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { [C in Channel]: Handler<C> };
/** The handlers of one part of the contract (e.g. conflictChannels), so each part lives in its own file. */
export type HandlersFor<Part> = { [C in keyof Part & Channel]: Handler<C> };

/**
 * The one entry point for every call from a window, whatever the transport
 * (ipcMain in the app, exposeBinding in e2e tests): the channel must exist,
 * the argument is parsed with the channel's schema, and whatever happens the
 * caller gets a value back, never a thrown string.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  raw: unknown,
): Promise<IpcResult<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: appError('unknown_channel', `Unknown channel "${String(channel)}".`),
    };
  }
  const parsed = channels[channel].request.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: appError(
        'invalid_request',
        `Invalid request to ${channel}: ${describeIssues(parsed.error)}`,
        false,
        parsed.error.issues,
      ),
    };
  }
  try {
    const handler = handlers[channel] as (r: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: toAppError(err) };
  }
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppErrorException) return err.error;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    if (code === 'SQLITE_FULL')
      return appError(
        'db_disk_full',
        'The disk is full: the change was not saved. Free some space and try again.',
        true,
      );
    if (code === 'SQLITE_BUSY')
      return appError(
        'db_busy',
        'The database is busy; the change was not saved. Try again.',
        true,
      );
    return appError(
      'db_error',
      `The local database refused the change (${code}). Nothing was saved.`,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return appError('internal', `Something went wrong in the console: ${message}`);
}
