import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { badRequest, unsupportedMedia } from './errors';

/**
 * The request body parser for application/json (replacing Fastify's, which
 * refuses a `__proto__` key outright: here that is a per-operation
 * validation error naming the key, docs/protocol.md). In order, each step cheap
 * before the next: the charset, emptiness, the nesting depth (JSON.parse
 * spends seconds on 8 MB of "[" before failing), UTF-8, then JSON.parse.
 */

/** Far above any request of the protocol (a bulk-sync is 5 levels deep). */
export const MAX_JSON_DEPTH = 64;

/** application/json, optionally `; charset=utf-8`; anything else is 415. */
export function checkCharset(contentType: string | undefined): void {
  const params = (contentType ?? '').split(';').slice(1);
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim().toLowerCase());
    if (k === 'charset' && v !== 'utf-8' && v !== 'utf8' && v !== '"utf-8"') {
      throw unsupportedMedia('Content-Type: the only supported charset is utf-8');
    }
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether the JSON text nests deeper than `max` (strings skipped). One pass
 * over the bytes, no allocation; malformed text is left to JSON.parse.
 */
export function nestsDeeperThan(body: Uint8Array, max: number): boolean {
  let depth = 0;
  const n = body.length;
  for (let i = 0; i < n; i++) {
    const c = body[i]!;
    if (c === QUOTE) {
      // Skip the string, escapes included.
      for (i++; i < n; i++) {
        const d = body[i]!;
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * The same depth check while the body streams in (after decompression): a
 * body nested too deep is refused at the byte that goes too deep, before the
 * rest is read into memory. Bytes pass through unchanged.
 */
export class DepthGuard extends Transform {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(
    private readonly upstream: Readable & { receivedEncodedLength?: number },
    private readonly max = MAX_JSON_DEPTH,
  ) {
    super();
  }

  /** What Fastify compares with Content-Length: the bytes on the wire (compressed, if so). */
  get receivedEncodedLength(): number | undefined {
    return this.upstream.receivedEncodedLength;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++this.depth > this.max) {
          done(badRequest(`body: JSON nested more than ${this.max} levels deep`));
          return;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
      }
    }
    done(null, chunk);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The parsed JSON body (`unknown`: validate it with a schema). Throws HttpError. */
export function parseJsonBody(body: Buffer, contentType: string | undefined): unknown {
  checkCharset(contentType);
  if (body.length === 0) throw badRequest('body: is empty; send a JSON object');
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw badRequest(`body: JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw badRequest('body: is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`body: is not valid JSON (${(error as Error).message.slice(0, 200)})`);
  }
}
