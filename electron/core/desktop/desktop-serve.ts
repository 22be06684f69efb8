import type { MessageEndpoint } from '../../../shared/ipc/port-protocol';
import {
  DesktopMessageSchema,
  type DesktopAnswer,
  type DesktopAsk,
  type DesktopTell,
} from './desktop-protocol';

/**
 * Main's end of the desktop link, the plain part: every message parsed,
 * tells in order, each ask answered by its id, a failure as an answer (never
 * a thrown error across processes). Main supplies only what Electron does.
 */
export function serveDesktopLink(
  endpoint: MessageEndpoint,
  deps: {
    answer(ask: DesktopAsk): Promise<DesktopAnswer['value']>;
    tell(tell: DesktopTell): void;
    warn(message: string): void;
  },
): () => void {
  return endpoint.listen((data) => {
    const m = DesktopMessageSchema.safeParse(data);
    if (!m.success) return deps.warn('refused a malformed message on the desktop link');
    if (m.data.t === 'tell') return deps.tell(m.data.tell);
    const { id, ask } = m.data;
    deps.answer(ask).then(
      (value) => endpoint.post({ t: 'answer', id, ok: true, value }),
      (err: unknown) =>
        endpoint.post({ t: 'answer', id, ok: false, value: null, error: String(err) }),
    );
  });
}

/** A settings backup goes next to the settings file, nowhere else. */
export function isBesideSettings(settingsFile: string, to: string): boolean {
  return to.startsWith(`${settingsFile}.`) && !to.includes('/..');
}

/** On Linux without a keyring safeStorage only obfuscates (basic_text): the token then lasts the session. */
export function keychainStatus(
  encryptionAvailable: boolean,
  linuxBackend: string | null,
): { available: true } | { available: false; reason: string } {
  if (encryptionAvailable && !['basic_text', 'unknown'].includes(linuxBackend ?? ''))
    return { available: true };
  const reason =
    'The system keychain cannot encrypt the token for this user (is a keyring running?).';
  return { available: false, reason };
}

/** Where an unreadable settings file is moved, and what the person is told. */
export function unreadableSettings(file: string, err: unknown, now = new Date()) {
  const backup = `${file}.unreadable-${now.toISOString().replace(/[:.]/g, '-')}.bak`;
  const message = `The settings file could not be read (${(err as Error).message}). Defaults are used; the file was moved to ${backup}.`;
  return { backup, problem: { message, details: [] as string[], backup } };
}
