import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stridesOf } from "../../src/ir/shape.js";
import { runCopy, simplifyCopy, type StridedCopy } from "../../src/ir/ops/strided-copy.js";

/** The copy without any axis merging: one element at a time over the full index space. */
function naiveCopy(dst: Int32Array, src: Int32Array, c: StridedCopy): void {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const strides = stridesOf(c.shape);
  for (let flat = 0; flat < n; flat++) {
    let s = c.srcOffset;
    let d = c.dstOffset;
    c.shape.forEach((extent, k) => {
      const i = Math.floor(flat / strides[k]!) % extent;
      s += i * c.srcStrides[k]!;
      d += i * c.dstStrides[k]!;
    });
    dst[d] = src[s]!;
  }
}

describe("strided copy helper", () => {
  it("merges contiguous axes and drops extent-1 axes", () => {
    const c = simplifyCopy({ shape: [2, 1, 3, 4], srcOffset: 5, srcStrides: [12, 99, 4, 1], dstOffset: 0, dstStrides: [12, 7, 4, 1] });
    expect(c).toEqual({ shape: [24], srcOffset: 5, srcStrides: [1], dstOffset: 0, dstStrides: [1] });
    const t = simplifyCopy({ shape: [2, 3, 4], srcOffset: 0, srcStrides: [1, 6, 2], dstOffset: 0, dstStrides: [12, 4, 1] });
    expect(t.shape).toEqual([2, 3, 4]);
    expect(simplifyCopy({ ...t, srcStrides: [1, 8, 2] }).shape).toEqual([2, 12]);
    expect(simplifyCopy({ shape: [1, 1], srcOffset: 3, srcStrides: [5, 5], dstOffset: 2, dstStrides: [1, 1] }).shape).toEqual([1]);
  });

  it("runs every transposed, reversed or broadcast copy like the element-by-element definition", () => {
    const axis = fc.record({ extent: fc.integer({ min: 1, max: 4 }), mode: fc.constantFrom("forward", "reverse", "broadcast") });
    fc.assert(
      fc.property(fc.array(axis, { minLength: 0, maxLength: 5 }), fc.integer({ min: 0, max: 1000 }), (axes, salt) => {
        const shape = axes.map((a) => a.extent);
        // Source is a row-major tensor of `shape`; the copy may reverse or broadcast each axis.
        const own = stridesOf(shape);
        let srcOffset = 0;
        const srcStrides = axes.map((a, k) => {
          if (a.mode === "broadcast") return 0;
          if (a.mode === "reverse") {
            srcOffset += (a.extent - 1) * own[k]!;
            return -own[k]!;
          }
          return own[k]!;
        });
        const n = shape.reduce((x, y) => x * y, 1);
        const src = Int32Array.from({ length: n }, (_, i) => i * 7 + salt);
        const copy: StridedCopy = { shape, srcOffset, srcStrides, dstOffset: 0, dstStrides: own };
        const want = new Int32Array(n);
        const got = new Int32Array(n);
        naiveCopy(want, src, copy);
        runCopy(got, src, copy);
        expect(Array.from(got)).toEqual(Array.from(want));
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
