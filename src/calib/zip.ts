import { inflateRawSync } from "node:zlib";
import { fail } from "../errors.js";

/**
 * A minimal reader for the zip archives numpy.savez/savez_compressed write (.npz): the central
 * directory is the index, entries are stored (method 0) or deflated (method 8, inflated with
 * Node's zlib). Zip64 sizes/offsets (numpy forces zip64 local headers) are read from the 0x0001
 * extra field. Encryption, multi-disk archives and other methods are refused with a clear error.
 */
export interface ZipEntry {
  readonly name: string;
  /** The uncompressed bytes. */
  readonly data: Uint8Array;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const UNKNOWN32 = 0xffffffff;

export function readZip(bytes: Uint8Array, subject: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string): never =>
    fail("parse", subject, `is not a readable zip/.npz archive (${why}); write it with numpy.savez or numpy.savez_compressed`);
  const u16 = (at: number): number => (at + 2 <= bytes.length ? view.getUint16(at, true) : corrupt("truncated"));
  const u32 = (at: number): number => (at + 4 <= bytes.length ? view.getUint32(at, true) : corrupt("truncated"));
  const u64 = (at: number): number => {
    const v = Number(at + 8 <= bytes.length ? view.getBigUint64(at, true) : corrupt("truncated"));
    return Number.isSafeInteger(v) ? v : corrupt("a 64-bit size is out of range");
  };

  // The end-of-central-directory record is the last 22 bytes plus a comment of at most 64 KiB.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) { eocd = at; break; }
  }
  if (eocd < 0) corrupt("no end-of-central-directory record");
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) corrupt("multi-disk archives are not supported");
  let count = u16(eocd + 10);
  let dirOffset = u32(eocd + 16);
  const locator = eocd - 20;
  if ((count === 0xffff || dirOffset === UNKNOWN32) && locator >= 0 && u32(locator) === ZIP64_EOCD_LOCATOR_SIGNATURE) {
    const zip64 = u64(locator + 8);
    if (u32(zip64) !== ZIP64_EOCD_SIGNATURE) corrupt("bad zip64 end record");
    count = u64(zip64 + 32);
    dirOffset = u64(zip64 + 48);
  }

  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL_SIGNATURE) corrupt(`central directory entry ${i} is damaged`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let localOffset = u32(at + 42);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64 extra: only the fields whose 32-bit value is 0xFFFFFFFF are present, in this order.
    for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength;) {
      const id = u16(x);
      const length = u16(x + 2);
      if (id === 0x0001) {
        let f = x + 4;
        if (size === UNKNOWN32) { size = u64(f); f += 8; }
        if (compressedSize === UNKNOWN32) { compressedSize = u64(f); f += 8; }
        if (localOffset === UNKNOWN32) localOffset = u64(f);
      }
      x += 4 + length;
    }
    if (flags & 1) corrupt(`entry "${name}" is encrypted`);
    if (u32(localOffset) !== LOCAL_SIGNATURE) corrupt(`entry "${name}" has no local header`);
    const start = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (start + compressedSize > bytes.length) corrupt(`entry "${name}" is truncated`);
    const stored = bytes.subarray(start, start + compressedSize);
    let data: Uint8Array;
    if (method === 0) data = stored;
    else if (method === 8) {
      try {
        data = inflateRawSync(stored);
      } catch (e) {
        return corrupt(`entry "${name}" does not inflate: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else return corrupt(`entry "${name}" uses compression method ${method}; only stored and deflate are supported`);
    if (data.length !== size) corrupt(`entry "${name}" holds ${data.length} bytes, its header says ${size}`);
    entries.push({ name, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
