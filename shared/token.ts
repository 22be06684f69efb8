import { z } from 'zod';

/**
 * A bearer token as it may go into an HTTP header: visible ASCII only (RFC
 * 6750's b64token and then some). A newline, a zero-width space or a lone
 * surrogate cannot be sent in a header at all; accepting one would only make
 * every later request fail, so it is refused where it is typed.
 */
export const HEADER_SAFE = /^[\x21-\x7e]+$/;

export const TokenSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(4096, 'is too long')
  .refine(
    (s) => HEADER_SAFE.test(s),
    'may contain only letters, digits and punctuation (no spaces, line breaks or invisible characters); paste the token again',
  );

export function isHeaderSafeToken(token: string): boolean {
  return HEADER_SAFE.test(token) && token.length <= 4096;
}
