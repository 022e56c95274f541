import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { EgretError, fail } from "../errors.js";
import { formatBytes, LIMITS } from "../limits.js";

const CHUNK = 1 << 20;

/**
 * Reads a whole file Egret was given (a model, .npy input, calibration file, rule file...) within
 * LIMITS.fileBytes: a regular file's size is checked before reading; a pipe is read in chunks
 * and refused as soon as it passes the limit; devices and folders are refused outright (reading
 * /dev/zero would never end). Errors name `subject` (e.g. `model file m.onnx`).
 */
export function readFileWithin(path: string, subject: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    return fail("io", subject, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) fail("io", subject, "is a folder, not a file");
    if (stat.isCharacterDevice() || stat.isBlockDevice()) fail("io", subject, "is a device, not a file; give a file");
    if (stat.isFile() && stat.size > LIMITS.fileBytes) fail("limit", subject, tooBig(stat.size));
    return readAll(fd, stat.isFile() ? stat.size : 0, subject);
  } catch (e) {
    if (e instanceof EgretError) throw e;
    return fail("io", subject, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  } finally {
    closeSync(fd);
  }
}

/** The first `count` bytes of a file (fewer when it is shorter), e.g. to recognise a format. */
export function readFileHead(path: string, count: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(count);
    return head.subarray(0, readSync(fd, head, 0, count, null));
  } finally {
    closeSync(fd);
  }
}

/** `size`: a regular file's size; undefined: a stream that passed the limit. */
function tooBig(size?: number): string {
  const what = size === undefined ? `holds more than ${formatBytes(LIMITS.fileBytes)}` : `is ${formatBytes(size)}`;
  return `${what}; a file Egret reads may have at most ${formatBytes(LIMITS.fileBytes)} (docs/limits.md)`;
}

/**
 * Reads to the end: first the `expected` bytes fstat gave for a regular file, into one buffer;
 * then whatever follows (a pipe, or a file that grew) chunk by chunk within the limit.
 */
function readAll(fd: number, expected: number, subject: string): Buffer {
  const first = Buffer.allocUnsafeSlow(expected);
  let total = 0;
  while (total < expected) {
    const got = readSync(fd, first, total, expected - total, null);
    if (got === 0) return first.subarray(0, total);
    total += got;
  }
  const chunks: Buffer[] = [first];
  const scratch = Buffer.allocUnsafeSlow(CHUNK);
  for (;;) {
    const got = readSync(fd, scratch, 0, CHUNK, null);
    if (got === 0) break;
    total += got;
    if (total > LIMITS.fileBytes) fail("limit", subject, tooBig());
    chunks.push(Buffer.from(scratch.subarray(0, got)));
  }
  return chunks.length === 1 ? first : Buffer.concat(chunks, total);
}
