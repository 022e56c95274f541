import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

/**
 * MaxPool and NaN: a window holding a NaN gives NaN wherever the NaN sits (first tap or later),
 * in the reference and in the C, NCHW and NHWC. Before, a NaN counted only when it was the first
 * tap visited, so folding a -inf Pad into the pool's padding (maxpool-pad) changed results.
 */

const H = 4;
const W = 4;
// NaN at (0,0), the first tap of the top-left windows, and at (2,1), a later tap of others.
const grid = Array.from({ length: H * W }, (_, i) => (i === 0 || i === 2 * W + 1 ? NaN : ((i * 7) % 11) - 5));
const attrs = { kernel_shape: [2, 2], pads: [1, 1, 0, 0] };

/** Window maxima by definition: NaN if any in-input tap is NaN. */
function expected(): number[] {
  const out: number[] = [];
  for (let oh = 0; oh < H; oh++) {
    for (let ow = 0; ow < W; ow++) {
      const taps: number[] = [];
      for (let kh = 0; kh < 2; kh++) for (let kw = 0; kw < 2; kw++) {
        const ih = oh - 1 + kh;
        const iw = ow - 1 + kw;
        if (ih >= 0 && iw >= 0) taps.push(grid[ih * W + iw]!);
      }
      out.push(taps.some(Number.isNaN) ? NaN : Math.max(...taps));
    }
  }
  return out;
}

describe("MaxPool with NaN inputs", () => {
  it("NCHW: NaN wherever a window holds one; the C agrees", () => {
    const x = Tensor.fromNumbers("float32", [1, 1, H, W], grid);
    const [y] = interpret("MaxPool", [{ value: x }], attrs);
    expect(values(y)).toEqual(expected());
    expectCMatchesInterpreter("MaxPool", [{ value: x }], attrs);
  });

  it("NHWC (two channels, the NaNs in one): the same per channel; the C agrees", () => {
    const x = Tensor.fromNumbers("float32", [1, H, W, 2], grid.flatMap((v, i) => [v, i]));
    const [y] = interpret("MaxPool", [{ value: x }], { ...attrs, layout: "NHWC" });
    const got = values(y);
    expect(got.filter((_, i) => i % 2 === 0)).toEqual(expected());
    expect(got.filter((_, i) => i % 2 === 1).every(Number.isFinite)).toBe(true);
    expectCMatchesInterpreter("MaxPool", [{ value: x }], { ...attrs, layout: "NHWC" });
  });
});
