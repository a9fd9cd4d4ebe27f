#!/usr/bin/env node
// Draws the add-in's ribbon and store icons (assets/icon-16/32/64/80.png): a green rounded
// square with a white spreadsheet grid and an upward bar, in plain Node (zlib) so that no image
// tool is needed. Run `node scripts/generate-icons.js` after changing the drawing.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { Buffer } = require('node:buffer');

const SIZES = [16, 32, 64, 80];
const GREEN = [16, 124, 65]; // Excel's brand green (#107C41)
const WHITE = [255, 255, 255];

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixel of the icon at (x, y) for a size×size icon. */
function pixel(x, y, size) {
  const r = size * 0.18; // corner radius
  const inCorner = (cx, cy) => (x - cx) ** 2 + (y - cy) ** 2 > r * r;
  if ((x < r && y < r && inCorner(r, r)) || (x > size - r && y < r && inCorner(size - r, r)) ||
      (x < r && y > size - r && inCorner(r, size - r)) || (x > size - r && y > size - r && inCorner(size - r, size - r))) {
    return [0, 0, 0, 0];
  }
  const m = size * 0.2; // margin of the grid
  const inGrid = x >= m && x <= size - m && y >= m && y <= size - m;
  const line = Math.max(1, Math.round(size / 24));
  if (inGrid) {
    const cell = (size - 2 * m) / 3;
    const gx = (x - m) % cell, gy = (y - m) % cell;
    if (gx < line || gy < line || x > size - m - line || y > size - m - line) return [...WHITE, 255];
    // a rising bar in the last column: "the same steps, scaled up"
    const col = Math.floor((x - m) / cell);
    const row = Math.floor((y - m) / cell);
    if (col === 2 && row >= 0) return [...WHITE, 200];
    if (col === 1 && row >= 1) return [...WHITE, 200];
  }
  return [...GREEN, 255];
}

function png(size) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const p = pixel(x + 0.5, y + 0.5, size);
      p.forEach((v, i) => { raw[y * (size * 4 + 1) + 1 + x * 4 + i] = v; });
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = path.join(__dirname, '..', 'assets');
fs.mkdirSync(out, { recursive: true });
for (const size of SIZES) fs.writeFileSync(path.join(out, `icon-${size}.png`), png(size));
console.log(`wrote ${SIZES.map((s) => `assets/icon-${s}.png`).join(', ')}`);
