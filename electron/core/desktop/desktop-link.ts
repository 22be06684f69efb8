import { AppErrorException, appError } from '../../../shared/errors';
import type { MessageEndpoint } from '../../../shared/ipc/port-protocol';
import type { Cipher } from '../settings/token-vault';
import type { DesktopPort } from './desktop-port';
import {
  DesktopAnswerSchema,
  type DesktopAsk,
  type DesktopAnswer,
  type DesktopTell,
} from './desktop-protocol';
import { writeFileWhole } from './save-file';

const ASK_TIMEOUT_MS = 10 * 60_000; // a save dialog may stay open a long time

export interface DesktopLink {
  desktop: DesktopPort;
  /** The keychain through main; null when the OS offers none (status from start-up). */
  cipher: Cipher;
  /** For the settings backend: writes and backups of the settings file, in order. */
  tell(message: DesktopTell): void;
  close(): void;
}

/**
 * The core's end of the desktop link: DesktopPort and the token's Cipher as
 * asks to main (answers matched by id), everything else as tells. A save
 * goes in two steps: main shows the dialog, the core writes the file itself.
 */
export function desktopOverLink(
  endpoint: MessageEndpoint,
  cipherStatus: ReturnType<Cipher['status']>,
): DesktopLink {
  let nextId = 1;
  const pending = new Map<number, (answer: DesktopAnswer) => void>();
  const stop = endpoint.listen((raw) => {
    const parsed = DesktopAnswerSchema.safeParse(raw);
    if (!parsed.success) return;
    pending.get(parsed.data.id)?.(parsed.data);
    pending.delete(parsed.data.id);
  });

  const ask = (question: DesktopAsk) =>
    new Promise<DesktopAnswer['value']>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(desktopError(`${question.op} got no answer`));
      }, ASK_TIMEOUT_MS);
      timer.unref?.();
      pending.set(id, (answer) => {
        clearTimeout(timer);
        if (answer.ok) resolve(answer.value);
        else reject(desktopError(answer.error ?? question.op));
      });
      endpoint.post({ t: 'ask', id, ask: question });
    });
  const tell = (message: DesktopTell) => endpoint.post({ t: 'tell', tell: message });

  return {
    tell,
    close() {
      stop();
      for (const answer of pending.values())
        answer({ t: 'answer', id: 0, ok: false, value: null, error: 'the console is closing' });
      pending.clear();
    },
    cipher: {
      status: () => cipherStatus,
      encrypt: async (text) => Buffer.from(String(await ask({ op: 'encrypt', text })), 'base64'),
      decrypt: async (data) => String(await ask({ op: 'decrypt', data: data.toString('base64') })),
    },
    desktop: {
      openFolder: async (folder) => (await ask({ op: 'openFolder', folder })) === true,
      relaunch: () => {
        tell({ op: 'relaunch' });
        return true;
      },
      notify: (note) => tell({ op: 'notify', ...note }),
      async openFile() {
        const path = await ask({ op: 'chooseOpenPath' });
        return typeof path === 'string' ? { kind: 'chosen', path } : { kind: 'cancelled' };
      },
      async saveFile({ filename, mime, content }) {
        const ext = mime === 'text/csv' ? 'csv' : 'json';
        const path = await ask({ op: 'chooseSavePath', filename, ext });
        if (typeof path !== 'string') return { kind: 'cancelled' };
        await writeFileWhole(path, content);
        return { kind: 'saved', path };
      },
    },
  };
}

function desktopError(what: string) {
  return new AppErrorException(
    appError('desktop_unavailable', `The desktop could not do this (${what}).`, true),
  );
}
