import { z } from 'zod';

/** The sync server's address, as people type it in Welcome and Settings. */
export const ServerUrlSchema = z
  .string()
  .trim()
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address')
  // user:password@host would be kept in plain text in the settings file and shown
  // in the window; the token field is the place for a secret (encrypted on disk).
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.username === '' && u.password === '';
    } catch {
      return true;
    }
  }, 'must not contain a user name or password; put the token in the token field instead');
