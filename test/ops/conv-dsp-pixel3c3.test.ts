import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { egret, runGraph } from "../../src/index.js";
import type { ConvPlan } from "../../src/ir/ops/quant/conv.js";
import { pixel3x3c3Records } from "../../backends/cortex-m/ops/conv-dsp-pixel3c3.js";
import { expectBitExact } from "./pixel-bit-exact.js";
import { multiNodeGraph, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

/**
 * The pixel-major 3x3 kernel of three-channel first layers (backends/cortex-m/ops/conv-dsp-pixel3c3.ts,
 * runtime-c/kernels/qconv_i8_dsp_px3c3.c): its records' pass order, QConv2DDsp with C = 3 against
 * QConv2D bit for bit on the host (ASan/UBSan) and the same layers under QEMU Cortex-M4.
 */

describe("3x3 C = 3 pixel kernel records", () => {
  it("hold per pass the row's 5 doubled pairs (bytes (0,2) (1,3) (4,6) (5,7) (8,-)), 2B after the third, m, K, r last", () => {
    const w = Array.from({ length: 54 }, (_, i) => (i % 27) - 13);
    const p = { c: 3, o: 2, xOffset: 0, yOffset: -128, multipliers: [1 << 30], shifts: [-2] } as ConvPlan;
    const words = pixel3x3c3Records(w, [10, -20], p);
    if (typeof words === "string") throw new Error(words);
    const pair = (lo: number, hi: number) => ((2 * lo) & 0xffff) | ((2 * hi) << 16);
    const row = (ky: number) => [pair(9 * ky - 13, 9 * ky - 11), pair(9 * ky - 12, 9 * ky - 10), pair(9 * ky - 9, 9 * ky - 7), pair(9 * ky - 8, 9 * ky - 6), pair(9 * ky - 5, 0)];
    // 19 words a channel: pass 0 (6 each), pass 1 (5 each), pass 2 (8 each); the shift word without the last-channel flag.
    expect(words).toHaveLength(38);
    expect(words.slice(0, 12)).toEqual([...row(0).slice(0, 3), 20, ...row(0).slice(3), ...row(0).slice(0, 3), -40, ...row(0).slice(3)]);
    expect(words.slice(12, 22)).toEqual([...row(1), ...row(1)]);
    expect(words.slice(22)).toEqual([...row(2), 1 << 30, 2 - 512, 2, ...row(2), 1 << 30, 2 - 512, 2]);
  });
});

/** A random 3x3 case with C = 3: strides 1 / 2, pads 0 / 1 per side, odd sizes, O 1..32, fused ReLU or not. */
function pixel3c3Case(op: string, seed: number): QNode {
  const r = rng(seed);
  const o = randInt(r, 1, 32);
  const stride = randInt(r, 1, 2);
  const [h, w] = [randInt(r, 3, 11) | 1, randInt(r, 3, 12)];
  const pads = [randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1)];
  const fused = r() < 0.5;
  const narrow = !fused && r() < 0.5;
  return {
    op,
    inputs: [
      { value: randomInts("int8", [1, h, w, 3], r) },
      { value: randomInts("int8", [o, 3, 3, 3], r, -127, 127), constant: true },
      op === "QConv2D" || r() < 0.8 ? { value: randomInts("int32", [o], r), constant: true } : undefined,
    ],
    attrs: {
      x_scale: randomScale(r, 0.005, 0.2), w_scale: Array.from({ length: o }, () => randomScale(r, 0.001, 0.05)), y_scale: randomScale(r, 0.03, 0.3),
      x_zero_point: randInt(r, -128, 127), y_zero_point: fused ? -128 : randInt(r, -128, 127),
      ...(fused ? { act_min: -128, act_max: 127 } : narrow ? { act_min: randInt(r, -128, -20), act_max: randInt(r, 20, 120) } : {}),
      strides: [stride, stride], dilations: [1, 1], pads,
    },
  };
}

const work = mkdtempSync(join(tmpdir(), "egret-px3c3-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("QConv2DDsp with C = 3, 3x3 on the pixel kernel", () => {
  it("equals QConv2D bit for bit: strides 1 and 2, padding, odd sizes, fused, exact and narrow clamps (host C, ASan/UBSan)", async () => {
    await expectBitExact(Array.from({ length: 10 }, (_, s) => pixel3c3Case("QConv2DDsp", 1200 + s)), "eg_qconv2d_3x3c3_i8_px", 10);
  });

  it("cortex-m4 under QEMU: the generic layers rewritten onto QConv2DDsp, bit-exact with the evaluator", () => {
    const { graph, feeds } = multiNodeGraph(Array.from({ length: 6 }, (_, s) => pixel3c3Case("QConv2D", 1300 + s)));
    const want = runGraph(graph, feeds);
    const m = egret.measure(graph, "cortex-m4", { kernels: "optimised", dir: work, inputs: feeds.map((t) => t.bytes()), inferences: 1, perOp: false, sourceName: graph.name });
    expect(m.program.nodes.filter((n) => n.op === "QConv2DDsp")).toHaveLength(6);
    want.forEach((t, i) => expect(Array.from(m.outputs[i]!), `layer ${i}`).toEqual(Array.from(t.bytes())));
  });
});
