import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSamples, type CalibInput } from "../../src/calib/data.js";
import { errorOf } from "../support/errors.js";
import { readGrayBmp } from "../support/bmp.js";
import { sharedOrSkip } from "../support/shared-skip.js";

const dir = mkdtempSync(join(tmpdir(), "egret-bmp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A bottom-up BITMAPINFOHEADER BMP written byte by byte (independent of bmp-js): 8-bit with a
 * gray palette when `gray`, else 24-bit BGR; rows padded to 4 bytes.
 */
function bmp(width: number, height: number, pixel: (x: number, y: number) => [number, number, number], gray: boolean, headerSize = 40): Uint8Array {
  const bits = gray ? 8 : 24;
  const palette = gray ? 1024 : 0;
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  const offset = 14 + headerSize + palette;
  const out = new Uint8Array(offset + rowBytes * height);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, headerSize, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bits, true);
  v.setUint32(46, gray ? 256 : 0, true);
  for (let i = 0; gray && i < 256; i++) out.set([i, i, i, 0], 14 + headerSize + 4 * i);
  for (let y = 0; y < height; y++) {
    const row = offset + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      if (gray) out[row + x] = r;
      else out.set([b, g, r], row + 3 * x);
    }
  }
  return out;
}

describe("BMP calibration images", () => {
  it("reads an 8-bit gray-palette BMP top row first, exactly, into an NHWC float input", () => {
    writeFileSync(join(dir, "gray.bmp"), bmp(6, 4, (x, y) => [10 * y + x, 0, 0], true));
    const input: CalibInput = { name: "x", dtype: "float32", shape: [1, 4, 6, 1] };
    const t = loadSamples(join(dir, "gray.bmp"), [input]).tensors[0]![0]!;
    expect(Array.from(t.toNumbers())).toEqual(Array.from({ length: 24 }, (_, i) => Math.fround((10 * Math.floor(i / 6) + (i % 6)) / 255)));
  });

  it("reads a 24-bit BMP with row padding as RGB into an NCHW uint8 input", () => {
    writeFileSync(join(dir, "rgb.bmp"), bmp(3, 2, (x, y) => [x + 10 * y, 100 + x, 200 + y], false));
    const input: CalibInput = { name: "x", dtype: "uint8", shape: [1, 3, 2, 3] };
    const t = loadSamples(join(dir, "rgb.bmp"), [input]).tensors[0]![0]!;
    expect(Array.from(t.toNumbers())).toEqual([0, 1, 2, 10, 11, 12, 100, 101, 102, 100, 101, 102, 200, 200, 200, 201, 201, 201]);
  });

  it("a folder of .bmp files is read (it used to be reported empty)", () => {
    const folder = join(dir, "features");
    mkdirSync(folder);
    for (const k of [1, 2]) writeFileSync(join(folder, `${k}.bmp`), bmp(4, 2, (x) => [k * x, 0, 0], true));
    const input: CalibInput = { name: "x", dtype: "uint8", shape: [1, 2, 4, 1] };
    const { tensors, sources } = loadSamples(folder, [input]);
    expect(sources).toEqual([join(folder, "1.bmp"), join(folder, "2.bmp")]);
    expect(Array.from(tensors[1]![0]!.toNumbers())).toEqual([0, 2, 4, 6, 0, 2, 4, 6]);
  });

  it("a truncated file, a V5 header and a hostile size are errors naming the file", () => {
    const input: CalibInput = { name: "x", dtype: "uint8", shape: [1, 2, 4, 1] };
    const good = bmp(4, 2, () => [1, 1, 1], true);
    writeFileSync(join(dir, "short.bmp"), good.subarray(0, good.length - 3));
    expect(errorOf(() => loadSamples(join(dir, "short.bmp"), [input])).message).toMatch(/short\.bmp.*is not a BMP Egret can read .*bytes/);
    writeFileSync(join(dir, "v5.bmp"), bmp(4, 2, () => [1, 1, 1], true, 124));
    expect(errorOf(() => loadSamples(join(dir, "v5.bmp"), [input])).message).toMatch(/v5\.bmp.*124-byte info header/);
    const huge = bmp(4, 2, () => [1, 1, 1], true);
    new DataView(huge.buffer).setInt32(18, 100000, true);
    new DataView(huge.buffer).setInt32(22, 100000, true);
    writeFileSync(join(dir, "huge.bmp"), huge);
    expect(errorOf(() => loadSamples(join(dir, "huge.bmp"), [input])).message).toMatch(/huge\.bmp.*100000x100000 pixels.*scale it down/);
  });

  it("loads the K210 keyword-spotting features of the corpus (64x128 8-bit BMPs) pixel for pixel", (ctx) => {
    const shared = sharedOrSkip(ctx, "BMP calibration folder from the corpus (kws-cnn-k210 audio_feature)");
    const folder = join(shared, "models/tf/kws-cnn-k210/audio_feature");
    const input: CalibInput = { name: "x", dtype: "uint8", shape: [1, 128, 64, 1] };
    const { tensors } = loadSamples(folder, [input]);
    expect(tensors).toHaveLength(3);
    const reference = readGrayBmp(join(folder, "11111.bmp"));
    expect(Array.from(tensors[0]![0]!.toNumbers())).toEqual(Array.from(reference.pixels));
  });
});
