import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elementwiseLag, windowLag, type WindowWalk } from "../../src/schedule/overwrite-lag.js";
import { replayElementwise, replayWindow, type Access } from "../support/kernel-replay.js";

/**
 * The lags of src/schedule/overwrite-lag.ts against a replay of the kernels' loops byte by byte
 * (runtime-c/kernels/qconv_i8.c, qpool_i8.c, qbinary_i8.c): with the output `lag` bytes below
 * the input, no write may land on an input byte that is read later. Written independently of the
 * lag formulas: it only records the loops' accesses in order.
 */

/** Writes that clobber an input byte still to be read, output placed `lag` bytes below the input. */
function clobbers(accesses: readonly Access[], lag: number, inBytes: number, inElem: number, outElem: number): number {
  const lastRead = new Float64Array(inBytes).fill(-1);
  accesses.forEach((a, t) => {
    if (!a.write) for (let k = 0; k < inElem; k++) lastRead[a.element * inElem + k] = t;
  });
  let bad = 0;
  accesses.forEach((a, t) => {
    if (!a.write) return;
    for (let k = 0; k < outElem; k++) {
      const at = -lag + a.element * outElem + k;
      if (at >= 0 && at < inBytes && lastRead[at]! > t) bad++;
    }
  });
  return bad;
}

/** The smallest safe lag of a replay: max over written bytes of (byte + 1 - first input byte read later). */
function exactLag(accesses: readonly Access[], inBytes: number, inElem: number, outElem: number): number {
  let front = Infinity;
  let lag = -inBytes;
  for (let t = accesses.length - 1; t >= 0; t--) {
    const a = accesses[t]!;
    if (a.write) lag = Math.max(lag, (a.element + 1) * outElem - front);
    else front = Math.min(front, a.element * inElem);
  }
  return lag;
}

const geometry = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), c: fc.integer({ min: 1, max: 4 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }), sh: fc.integer({ min: 1, max: 2 }), sw: fc.integer({ min: 1, max: 2 }),
    dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }), padTop: fc.integer({ min: 0, max: 2 }), padLeft: fc.integer({ min: 0, max: 2 }),
    mult: fc.integer({ min: 1, max: 3 }), bytes: fc.constantFrom(1, 2, 4),
  })
  .map((r) => {
    const oh = Math.max(1, Math.floor((r.h + 2 * r.padTop - r.dh * (r.kh - 1) - 1) / r.sh) + 1);
    const ow = Math.max(1, Math.floor((r.w + 2 * r.padLeft - r.dw * (r.kw - 1) - 1) / r.sw) + 1);
    return { ...r, oh, ow };
  });

describe("windowLag", () => {
  it.each(["conv", "depthwise", "pool"] as const)("%s: no write at the lag clobbers a byte read later", (kind) => {
    fc.assert(
      fc.property(geometry, (r) => {
        const outChannels = kind === "conv" ? r.mult * 2 : kind === "depthwise" ? r.c * r.mult : r.c;
        const g: WindowWalk = { ...r, outChannels, inElementBytes: r.bytes, outElementBytes: r.bytes, ...(kind === "pool" ? { dh: 1, dw: 1 } : {}) };
        const lag = windowLag(g);
        const inBytes = g.n * g.h * g.w * g.c * g.inElementBytes;
        const accesses = replayWindow(g, kind);
        expect(clobbers(accesses, lag, inBytes, g.inElementBytes, g.outElementBytes)).toBe(0);
        // Tight for a full convolution, which rereads the whole window for every output channel:
        // the model keeps a pixel's window until its last write, at most one pixel too long.
        if (kind === "conv") expect(lag).toBeLessThanOrEqual(Math.max(exactLag(accesses, inBytes, g.inElementBytes, g.outElementBytes) + outChannels * r.bytes, -inBytes));
      }),
      { numRuns: 150, seed: 16 },
    );
  });

  it("gives the figures of person_detect's first layers", () => {
    const dw = { n: 1, h: 48, w: 48, c: 8, oh: 48, ow: 48, outChannels: 8, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 1, padLeft: 1, inElementBytes: 1, outElementBytes: 1 };
    // The output pixel (y, x) needs the input from (y-1, x-1) on: one row and two pixels of 8 bytes.
    expect(windowLag(dw)).toBe((48 + 2) * 8);
    // A 1x1 convolution from 8 to 16 channels: the output starts 8 bytes per pixel, plus one pixel, lower.
    expect(windowLag({ ...dw, outChannels: 16, kh: 1, kw: 1, padTop: 0, padLeft: 0 })).toBe(48 * 48 * 8 + 8);
  });
});

describe("elementwiseLag", () => {
  it("matches a replay of y[i] = f(x[i]) for any element sizes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.constantFrom(1, 2, 4), fc.constantFrom(1, 2, 4), (count, ib, ob) => {
        const accesses = replayElementwise(count, 1);
        const lag = elementwiseLag(count, ib, ob);
        expect(clobbers(accesses, lag, count * ib, ib, ob)).toBe(0);
        expect(lag).toBe(exactLag(accesses, count * ib, ib, ob));
      }),
      { numRuns: 200, seed: 16 },
    );
    expect(elementwiseLag(100, 1, 1)).toBe(0);
  });
});
