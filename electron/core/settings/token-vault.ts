import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The OS's encryption, as the desktop provides it (Electron's safeStorage:
 * Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on
 * Linux). The core never sees how; tests pass a real AES cipher.
 */
export interface Cipher {
  /** Whether strings can be encrypted so only this OS user can read them, and if not, why. */
  status(): { available: true } | { available: false; reason: string };
  /** Asynchronous: in the app it is main's safeStorage, across the desktop link. */
  encrypt(text: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
}

/** How the token is kept, in words the Settings screen shows. */
export type TokenStorage =
  | { kind: 'encrypted' }
  | {
      kind: 'session';
      /** Why it cannot be kept encrypted on disk. */
      reason: string;
    };

/**
 * The sync token: encrypted on disk when the OS can encrypt, otherwise kept
 * for this session only. It is never written in plain text.
 */
export class TokenVault {
  private session: string | null = null;
  private readProblem: string | null = null;

  constructor(private readonly opts: { cipher: Cipher | null; file: string | null }) {}

  storage(): TokenStorage {
    if (!this.opts.cipher)
      return { kind: 'session', reason: 'This console has no access to the system keychain.' };
    if (!this.opts.file)
      return { kind: 'session', reason: 'This console has no folder to keep the token in.' };
    const s = this.opts.cipher.status();
    return s.available ? { kind: 'encrypted' } : { kind: 'session', reason: s.reason };
  }

  /** Keeps the token; says how. */
  async save(token: string): Promise<TokenStorage> {
    this.session = token;
    const storage = this.storage();
    if (storage.kind === 'encrypted') {
      const file = this.opts.file!;
      const tmp = `${file}.tmp`;
      // Owner-only, written aside then renamed, so a crash never leaves half a token.
      writeFileSync(tmp, await this.opts.cipher!.encrypt(token), { mode: 0o600 });
      renameSync(tmp, file);
    } else this.removeFile();
    this.readProblem = null;
    return storage;
  }

  /** The token of this session, or the one kept encrypted on disk; null when there is none. */
  async load(): Promise<string | null> {
    if (this.session) return this.session;
    const file = this.opts.file;
    if (!file || !this.opts.cipher || !existsSync(file)) return null;
    if (!this.opts.cipher.status().available) {
      this.readProblem =
        'The saved token cannot be decrypted now: the system keychain is not available. Enter the token again.';
      return null;
    }
    try {
      this.session = await this.opts.cipher.decrypt(readFileSync(file));
      return this.session;
    } catch {
      this.readProblem =
        'The saved token could not be decrypted (the system keychain changed, or the file is damaged). Enter the token again.';
      return null;
    }
  }

  /** Why a saved token could not be read, if that happened. */
  problem(): string | null {
    return this.readProblem;
  }

  clear(): void {
    this.session = null;
    this.readProblem = null;
    this.removeFile();
  }

  private removeFile(): void {
    if (this.opts.file) rmSync(this.opts.file, { force: true });
  }
}
