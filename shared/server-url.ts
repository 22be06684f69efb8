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
  }, 'must be an http:// or https:// address');
