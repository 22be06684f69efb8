import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { badRequest, tooLarge, unsupportedMedia } from './http/errors';

/**
 * Reads a JSON request body with hard limits: the raw bytes and, for gzip,
 * the inflated bytes. zlib's maxOutputLength stops a gzip bomb after `maxBytes`
 * of output instead of inflating it all (FACTS.md: 100 MiB of zeros is ~100 KB).
 */

export interface BodyLimits {
  maxBytes: number;
}

function inflate(buffer: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(buffer, { maxOutputLength: maxBytes }, (error, result) => {
      if (!error) return resolve(result);
      if (
        (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ||
        error instanceof RangeError
      ) {
        return reject(tooLarge(`body: more than ${maxBytes} bytes after decompression`));
      }
      reject(badRequest('body: not valid gzip (corrupt or truncated)'));
    });
  });
}

/** application/json, optionally `; charset=utf-8`; anything else is 415. */
export function checkContentType(header: string | undefined): void {
  if (!header) throw unsupportedMedia('Content-Type: must be application/json');
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') throw unsupportedMedia('Content-Type: must be application/json');
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k === 'charset' && v !== 'utf-8' && v !== 'utf8' && v !== '"utf-8"') {
      throw unsupportedMedia('Content-Type: the only supported charset is utf-8');
    }
  }
}

function encodingOf(header: string | undefined): 'identity' | 'gzip' {
  const e = (header ?? 'identity').trim().toLowerCase();
  if (e === '' || e === 'identity') return 'identity';
  if (e === 'gzip' || e === 'x-gzip') return 'gzip';
  throw unsupportedMedia('Content-Encoding: only gzip is supported');
}

function collect(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: Error | null, body?: Buffer) => {
      if (done) return;
      done = true;
      if (error) reject(error);
      else resolve(body!);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return; // over the limit: the rest is read and dropped
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        finish(tooLarge(`body: more than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(null, Buffer.concat(chunks, size)));
    req.on('error', (error) => finish(error));
    // 'close' before 'end': the client went away mid-body.
    req.on('close', () => finish(badRequest('body: the client aborted the request')));
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The parsed JSON body (`unknown`: validate it with a schema). */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  checkContentType(req.headers['content-type']);
  const encoding = encodingOf(req.headers['content-encoding']);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) {
    throw tooLarge(`body: ${declared} bytes is more than the limit of ${limits.maxBytes}`);
  }
  let body = await collect(req, limits.maxBytes);
  if (encoding === 'gzip') body = await inflate(body, limits.maxBytes);
  if (body.length === 0) throw badRequest('body: is empty; send a JSON object');
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
