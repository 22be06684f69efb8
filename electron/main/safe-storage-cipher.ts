import { safeStorage } from 'electron';
import type { Cipher } from '../core/settings/token-vault';

/**
 * Electron's safeStorage as the core's Cipher: Keychain (macOS), DPAPI
 * (Windows), libsecret or KWallet (Linux). On Linux without a keyring,
 * Electron falls back to "basic_text", a hard-coded key: that is
 * obfuscation, not encryption, so the token is then kept for the session only.
 */
export function safeStorageCipher(): Cipher {
  return {
    status() {
      if (!safeStorage.isEncryptionAvailable())
        return {
          available: false,
          reason: 'The operating system offers no encryption for this user account.',
        };
      if (process.platform === 'linux') {
        const backend = safeStorage.getSelectedStorageBackend();
        if (backend === 'basic_text' || backend === 'unknown')
          return {
            available: false,
            reason:
              'No system keyring (GNOME Keyring or KWallet) is running, so the token could only be obfuscated, not encrypted.',
          };
      }
      return { available: true };
    },
    encrypt: (text) => safeStorage.encryptString(text),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
