import { createRequire } from "node:module";
import { fail } from "../errors.js";
import type { Image } from "./image.js";

/** bmp-js ships no types: the one call used, typed by hand. Pixels come out as 4 bytes A, B, G, R. */
interface BmpJs {
  (data: Buffer): { width: number; height: number; data: Buffer };
}
const decodeBmpJs = createRequire(import.meta.url)("bmp-js").decode as BmpJs;

/** Largest BMP decoded (pixels): bmp-js allocates 4 bytes per pixel before reading any. */
export const BMP_MAX_PIXELS = 4096 * 4096;

/** Bit depths and compressions bmp-js decodes correctly from a BITMAPINFOHEADER file. */
const SUPPORTED: Readonly<Record<number, readonly number[]>> = { 1: [0], 4: [0, 2], 8: [0], 24: [0], 32: [0, 3] };

/**
 * Decodes a Windows BMP with bmp-js after checking its header, so a truncated file, a hostile
 * size or a variant bmp-js would misread (V4/V5 headers: it assumes the 40-byte one and does not
 * seek to the pixel offset) is an error naming the file instead of a crash or garbage. A file
 * whose pixels are all gray (R = G = B: a keyword-spotting model's features, 8-bit palette)
 * decodes to one channel, exactly.
 */
export function decodeBmp(bytes: Uint8Array, subject: string): Image {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string): never => fail("parse", subject, `is not a BMP Egret can read (${what}); re-save it as an uncompressed 8- or 24-bit BMP`);
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) bad("no BM header");
  const offset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const width = view.getInt32(18, true);
  const height = Math.abs(view.getInt32(22, true));
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colors = view.getUint32(46, true);
  if (headerSize !== 40) bad(`a ${headerSize}-byte info header; only the 40-byte BITMAPINFOHEADER is supported`);
  if (!(SUPPORTED[bits] ?? []).includes(compression)) bad(`${bits} bits per pixel with compression ${compression}`);
  if (width <= 0 || height <= 0) bad(`size ${width}x${height}`);
  if (width * height > BMP_MAX_PIXELS) fail("bad-shape", subject, `is ${width}x${height} pixels, more than the ${BMP_MAX_PIXELS} a calibration image may have; scale it down`);
  const paletteBytes = bits < 15 ? 4 * (colors === 0 ? 2 ** bits : colors) : 0;
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  if (offset !== 54 + paletteBytes + (bits === 32 && compression === 3 ? 16 : 0)) bad(`pixel data at byte ${offset}, not right after the header and palette`);
  if (compression === 0 && bytes.length < offset + rowBytes * height) bad(`${bytes.length} bytes, ${offset + rowBytes * height} needed for ${width}x${height} at ${bits} bits`);
  let abgr: Buffer;
  try {
    abgr = decodeBmpJs(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).data;
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
  const n = width * height;
  let gray = true;
  for (let p = 0; p < n && gray; p++) gray = abgr[4 * p + 1] === abgr[4 * p + 2] && abgr[4 * p + 2] === abgr[4 * p + 3];
  const channels = gray ? 1 : 3;
  const pixels = new Float64Array(n * channels);
  for (let p = 0; p < n; p++) {
    if (gray) pixels[p] = abgr[4 * p + 3]!;
    else for (let c = 0; c < 3; c++) pixels[p * 3 + c] = abgr[4 * p + 3 - c]!;
  }
  return { width, height, channels, pixels };
}
