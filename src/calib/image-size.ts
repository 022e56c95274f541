import { fail } from "../errors.js";
import { LIMITS } from "../limits.js";

/**
 * Image dimensions read from the file header, so the pixel limit is checked before a decoder
 * allocates anything: PNG's IHDR (always the first chunk), JPEG's first SOFn frame header.
 * Undefined when the header cannot be read (the decoder then reports the damaged file).
 */
export function imageHeaderSize(bytes: Uint8Array, kind: "png" | "jpeg"): { width: number; height: number } | undefined {
  const u16 = (at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
  const u32 = (at: number) => ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
  if (kind === "png") {
    // 8-byte signature, then IHDR: length (4), "IHDR" (4), width (4), height (4), big-endian.
    const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
    return bytes.length >= 24 && ihdr === "IHDR" ? { width: u32(16), height: u32(20) } : undefined;
  }
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Markers without a length: TEM and RST0..7 (SOI/EOI cannot appear before the frame header).
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return at + 9 <= bytes.length ? { height: u16(at + 5), width: u16(at + 7) } : undefined;
    }
    if (marker === 0xda) return undefined; // scan data before any frame header
    at += 2 + u16(at + 2);
  }
  return undefined;
}

/** Fails naming `subject` when a width x height image exceeds LIMITS.imagePixels. */
export function checkImagePixels(width: number, height: number, subject: string): void {
  if (width * height > LIMITS.imagePixels) {
    fail("limit", subject, `${width}x${height} is ${width * height} pixels, more than the ${LIMITS.imagePixels} (4096x4096) one image may have (docs/limits.md); scale the image down first`);
  }
}
