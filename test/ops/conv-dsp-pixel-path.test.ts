import { describe, expect, it } from "vitest";
import type { ConvPlan } from "../../src/ir/ops/quant/conv.js";
import { planConv } from "../../src/ir/ops/quant/conv.js";
import { pixelPath } from "../../backends/cortex-m/ops/conv-dsp-pixel-path.js";
import { dspGemmScratch } from "../../backends/cortex-m/ops/conv-dsp.js";
import { OPS } from "../support/toolchain.js";
import { expectBitExact } from "./pixel-bit-exact.js";
import { multiNodeGraph, randInt, randomInts, rng, type QNode } from "./quant-support.js";

/**
 * The one shape predicate of the pixel-major kernels (backends/cortex-m/ops/conv-dsp-pixel-path.ts):
 * it picks the kernel, the op's scratch (none on a pixel path, the GEMM's otherwise) and the
 * price, and a layer on a path whose records cannot be built runs the scratch-free generic
 * eg_qconv2d_i8 (no GEMM, whose scratch it did not reserve), bit for bit.
 */

const base = { dtype: "int8", n: 1, dh: 1, dw: 1, actMin: -128, actMax: 127, biasKind: 1 } as const;
const shape = (c: number, k: number, o: number, extra: Partial<ConvPlan> = {}): ConvPlan => ({ ...base, c, cg: c, kh: k, kw: k, o, ...extra }) as ConvPlan;

describe("pixelPath", () => {
  it("names the kernel from shapes and clamp: 1x1 C = 8 / 16, 3x3 C = 1 (even O, full clamp), 3x3 C = 3 (O <= 32)", () => {
    expect(pixelPath("QConv2D1x1Dsp", shape(8, 1, 16))?.kind).toBe("px");
    expect(pixelPath("QConv2D1x1Dsp", shape(12, 1, 16))).toBeUndefined();
    expect(pixelPath("QConv2DDsp", shape(1, 3, 8))?.kind).toBe("px3");
    expect(pixelPath("QConv2DDsp", shape(1, 3, 7))).toBeUndefined();
    expect(pixelPath("QConv2DDsp", shape(1, 3, 8, { actMin: -100 }))).toBeUndefined();
    expect(pixelPath("QConv2DDsp", shape(3, 3, 16, { actMin: -100 }))?.kind).toBe("px3c3");
    expect(pixelPath("QConv2DDsp", shape(3, 3, 33))).toBeUndefined();
    expect(pixelPath("QConv2D1x1Dsp", shape(1, 3, 8))).toBeUndefined();
  });
});

/** A 3x3 C = 1 (or 1x1 C = 8) layer whose scale needs no right shift: channelRequant refuses its records. */
function unshiftedCase(op: "QConv2DDsp" | "QConv2D1x1Dsp", seed: number): QNode {
  const r = rng(seed);
  const [k, c, o] = op === "QConv2DDsp" ? [3, 1, 2 * randInt(r, 2, 5)] : [1, 8, 2 * randInt(r, 2, 5)];
  const [h, w] = [randInt(r, 5, 11) | 1, randInt(r, 6, 12)];
  return {
    op,
    inputs: [
      { value: randomInts("int8", [1, h, w, c], r) },
      { value: randomInts("int8", [o, k, k, c], r, -3, 3), constant: true },
      { value: randomInts("int32", [o], r, -200, 200), constant: true },
    ],
    attrs: {
      // x_scale * w_scale / y_scale in [0.5, 1): multiplier shift 0.
      x_scale: 0.05, w_scale: Array.from({ length: o }, () => 0.9 + 0.1 * r()), y_scale: 0.06,
      x_zero_point: randInt(r, -20, 20), y_zero_point: randInt(r, -20, 20), act_min: -128, act_max: 127,
      strides: [1, 1], dilations: [1, 1], pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0],
    },
  };
}

describe("DSP convolutions on a pixel path", () => {
  it("reserve no scratch; off the path (odd O) the GEMM's", () => {
    for (const [c, seed] of [[unshiftedCase("QConv2DDsp", 1), 1], [unshiftedCase("QConv2D1x1Dsp", 2), 2]] as const) {
      const { graph } = multiNodeGraph([c]);
      const node = graph.nodes[0]!;
      const inputs = node.inputs.map((t) => (t === "" ? undefined : graph.values.get(t)));
      const p = planConv(node, inputs, false);
      expect(pixelPath(node.op, p), `seed ${seed}`).toBeDefined();
      expect(OPS.get(node.op)!.scratchBytes!(node, inputs, [])).toBe(0);
      const odd = { ...p, o: p.o + 1 };
      expect(pixelPath(node.op, odd)).toBeUndefined();
      expect(dspGemmScratch(node.op, odd)).toBeGreaterThan(0);
    }
  });

  it("whose records cannot be built run the generic eg_qconv2d_i8, bit-exact and without scratch (host C, ASan/UBSan)", async () => {
    const cases = [unshiftedCase("QConv2DDsp", 11), unshiftedCase("QConv2DDsp", 12), unshiftedCase("QConv2D1x1Dsp", 13), unshiftedCase("QConv2D1x1Dsp", 14)];
    // The cases and their QConv2D twins: eight generic calls, none to the record kernels.
    await expectBitExact(cases, "eg_qconv2d_i8", 8);
  });
});
