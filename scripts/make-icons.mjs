#!/usr/bin/env node
/**
 * Generates the installers' icons into build/ without downloads or image
 * tools: the icon is drawn from signed distance functions (a rounded square,
 * a sync ring with a gap, a check mark), anti-aliased by coverage, encoded as
 * PNG with node:zlib, then packed into ICO (Windows) and ICNS (macOS), both of
 * which may hold PNG images. Run after changing the drawing:
 *   node scripts/make-icons.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'build');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Signed distances in a unit square (0..1), negative inside.
const roundedRect = (x, y, half, r) => {
  const qx = Math.abs(x - 0.5) - half + r;
  const qy = Math.abs(y - 0.5) - half + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const segment = (x, y, ax, ay, bx, by, w) => {
  const px = x - ax,
    py = y - ay,
    dx = bx - ax,
    dy = by - ay;
  const h = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * h, py - dy * h) - w;
};
/** A ring with a gap at the top right: the "sync" circle. */
const ring = (x, y) => {
  const a = Math.atan2(y - 0.5, x - 0.5);
  const d = Math.abs(Math.hypot(x - 0.5, y - 0.5) - 0.29) - 0.045;
  return a > -1.35 && a < -0.55 ? Math.max(d, 0.02) : d;
};
const check = (x, y) =>
  Math.min(
    segment(x, y, 0.37, 0.51, 0.46, 0.6, 0.045),
    segment(x, y, 0.46, 0.6, 0.64, 0.41, 0.045),
  );

export function drawIcon(size) {
  const px = Buffer.alloc(size * size * 4);
  const aa = 1 / size; // one pixel, in unit coordinates
  const cover = (d) => Math.max(0, Math.min(1, 0.5 - d / aa));
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / size;
      const y = (j + 0.5) / size;
      const bg = cover(roundedRect(x, y, 0.46, 0.1));
      const fg = Math.max(cover(ring(x, y)), cover(check(x, y)));
      // Background: a vertical blend of the app's accent blues.
      const r0 = 36 + (1 - y) * 20,
        g0 = 99 + (1 - y) * 30,
        b0 = 235;
      const o = (j * size + i) * 4;
      px[o] = Math.round(r0 * (1 - fg) + 255 * fg);
      px[o + 1] = Math.round(g0 * (1 - fg) + 255 * fg);
      px[o + 2] = Math.round(b0 * (1 - fg) + 255 * fg);
      px[o + 3] = Math.round(255 * bg);
    }
  return encodePng(size, px);
}

/** ICO with PNG entries (Windows Vista and later read them). */
export function ico(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  const dir = Buffer.alloc(16 * pngs.length);
  let offset = 6 + dir.length;
  pngs.forEach(([size, png], k) => {
    const e = k * 16;
    dir[e] = size >= 256 ? 0 : size;
    dir[e + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, e + 4); // planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(png.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, dir, ...pngs.map(([, p]) => p)]);
}

/** ICNS with PNG entries: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x). */
export function icns(pngs) {
  const types = { 128: 'ic07', 256: 'ic08', 512: 'ic09', 1024: 'ic10' };
  const entries = pngs.map(([size, png]) => {
    const h = Buffer.alloc(8);
    h.write(types[size], 0, 'ascii');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const body = Buffer.concat(entries);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([h, body]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(join(out, 'icons'), { recursive: true });
  const png = Object.fromEntries(
    [16, 24, 32, 48, 64, 128, 256, 512, 1024].map((s) => [s, drawIcon(s)]),
  );
  writeFileSync(join(out, 'icon.png'), png[1024]);
  for (const s of [16, 32, 48, 64, 128, 256, 512])
    writeFileSync(join(out, 'icons', `${s}x${s}.png`), png[s]);
  writeFileSync(join(out, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((s) => [s, png[s]])));
  writeFileSync(join(out, 'icon.icns'), icns([128, 256, 512, 1024].map((s) => [s, png[s]])));
  console.log('icons written to build/: icon.png, icon.ico, icon.icns, icons/*.png');
}
