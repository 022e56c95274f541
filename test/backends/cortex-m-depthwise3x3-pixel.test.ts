import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { rng } from "../support/graphs.js";
import { runFilesOnQemu } from "../support/qemu-harness.js";
import { OPS } from "../support/toolchain.js";
import { multiNodeGraph, randInt, randomInts, randomScale, type QNode } from "../ops/quant-support.js";

/**
 * The pixel-major 3x3 depthwise kernel (QDepthwiseConv2D3x3Dsp: runtime-c/kernels/
 * qdepthwise3x3_i8_2a.c, and qdepthwise3x3_i8_dsp.c's table form where the doubled-accumulator
 * requantization is not exact) on fixed shapes: person_detect's (C = 8 at stride 1, 16 at stride
 * 2 with TF's SAME padding, 128 on a 6x6 map), channel counts with a tail after the groups of 4
 * and below 4, uneven padding, dilation, a clamp narrower than int8, and a real scale above 1/2
 * (the table form). Host build with ASan/UBSan (the portable twins) and cortex-m4 under QEMU (the
 * asm: PKHBT/PKHTB, SXTB16, SMLAD, SMMLAR) against the evaluator (TFLM's arithmetic), bit-exact.
 */
interface Shape {
  readonly hw: [number, number];
  readonly s: [number, number];
  readonly d?: [number, number];
  readonly c: number;
  readonly pads: [number, number, number, number];
  /** Output zero point -128 and this activation range (ReLU6-like), else a random zero point. */
  readonly relu?: [number, number];
  /** A real scale above 1/2: no exact doubled-accumulator form, the table kernel runs. */
  readonly wide?: boolean;
}

const SHAPES: readonly Shape[] = [
  { hw: [12, 12], s: [1, 1], c: 8, pads: [1, 1, 1, 1], relu: [-128, 90] },
  { hw: [12, 12], s: [2, 2], c: 16, pads: [0, 0, 1, 1], relu: [-128, 90] },
  { hw: [6, 6], s: [1, 1], c: 128, pads: [1, 1, 1, 1], relu: [-128, 90] },
  { hw: [6, 6], s: [2, 2], c: 64, pads: [0, 0, 1, 1], relu: [-128, 127] },
  { hw: [9, 7], s: [2, 1], c: 13, pads: [1, 1, 1, 1] },
  { hw: [7, 9], s: [1, 1], c: 6, pads: [2, 1, 1, 2] },
  { hw: [8, 8], s: [1, 2], c: 4, pads: [0, 0, 0, 0] },
  { hw: [9, 9], s: [1, 1], d: [2, 2], c: 12, pads: [2, 2, 2, 2] },
  { hw: [5, 5], s: [1, 1], c: 3, pads: [1, 1, 1, 1] },
  // Runs of interior pixels (one call, the taps moved between pixels): a whole row without padding
  // and a tail past the groups, odd OW at stride 2 with the run at the left edge, one-sided padding.
  { hw: [5, 13], s: [1, 1], c: 7, pads: [0, 0, 0, 0] },
  { hw: [7, 15], s: [2, 2], c: 8, pads: [0, 0, 1, 2], relu: [-128, 127] },
  { hw: [6, 9], s: [1, 1], c: 20, pads: [1, 2, 0, 0] },
  { hw: [7, 7], s: [1, 1], c: 9, pads: [1, 1, 1, 1], wide: true },
];

function shapeCase(op: "QDepthwiseConv2D3x3Dsp" | "QDepthwiseConv2D", i: number): QNode {
  const { hw, s, d, c, pads, relu, wide } = SHAPES[i]!;
  const r = rng(3100 + i);
  const scales = wide
    ? { x_scale: 0.2, w_scale: Array.from({ length: c }, () => 0.05), y_scale: 0.005 }
    : { x_scale: randomScale(r, 0.01, 0.1), w_scale: Array.from({ length: c }, () => randomScale(r, 0.002, 0.02)), y_scale: randomScale(r, 0.05, 0.5) };
  const narrow = relu === undefined && i % 2 === 1 ? { act_min: randInt(r, -100, -20), act_max: randInt(r, 20, 100) } : {};
  return {
    op,
    inputs: [
      { value: randomInts("int8", [1, hw[0], hw[1], c], r) },
      { value: randomInts("int8", [1, 3, 3, c], r, -127, 127), constant: true },
      { value: randomInts("int32", [c], r, -20000, 20000), constant: true },
    ],
    attrs: {
      ...scales, x_zero_point: randInt(r, -128, 127), y_zero_point: relu === undefined ? randInt(r, -128, 127) : -128,
      strides: s, dilations: d ?? [1, 1], pads, depth_multiplier: 1,
      ...(relu !== undefined ? { act_min: relu[0], act_max: relu[1] } : narrow),
    },
  };
}

const work = mkdtempSync(join(tmpdir(), "egret-dw3x3-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const calls = (modelC: string, fn: string) => modelC.split(`${fn}(`).length - 1;

describe("pixel-major 3x3 depthwise (QDepthwiseConv2D3x3Dsp)", () => {
  const cases = SHAPES.map((_, i) => shapeCase("QDepthwiseConv2D3x3Dsp", i));

  it("takes no scratch and runs the doubled-accumulator kernel except where its requantization is not exact", () => {
    expect(OPS.get("QDepthwiseConv2D3x3Dsp")!.scratchBytes).toBeUndefined();
    const modelC = compile(multiNodeGraph(cases).graph).files.get("model.c") ?? "";
    expect(calls(modelC, "eg_qdepthwise3x3_i8_2a")).toBe(SHAPES.length - 1);
    expect(calls(modelC, "eg_qdepthwise3x3_i8_dsp_tab")).toBe(1);
  });

  it("host build (portable path, ASan/UBSan) equals the evaluator", async () => {
    const { graph, feeds } = multiNodeGraph(cases);
    const want = runGraph(graph, feeds);
    const got = await buildAndRunAsync(compile(graph).files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
    want.forEach((t, i) => expect(Array.from(got[i]!.toNumbers()), `layer ${i} ${JSON.stringify(SHAPES[i])}`).toEqual(Array.from(t.toNumbers())));
    expect(new Set(want.flatMap((t) => Array.from(t.toNumbers()))).size, "outputs spread over the int8 range").toBeGreaterThan(120);
  });

  it("cortex-m4 under QEMU (the asm) equals the evaluator", async () => {
    const { graph, feeds } = multiNodeGraph(cases);
    const want = runGraph(graph, feeds);
    const files = compile(graph, { target: "cortex-m4", targetRules: false }).files;
    expect(calls(files.get("model.c") ?? "", "eg_qdepthwise3x3_i8_2a")).toBe(SHAPES.length - 1);
    const res = await runFilesOnQemu(join(work, "qemu"), files, feeds.map((t) => t.bytes()), want.length);
    want.forEach((t, i) => {
      const got = Array.from(res[i]!);
      expect(got, `layer ${i} ${JSON.stringify(SHAPES[i])}`).toEqual(Array.from(t.bytes()));
    });
  });
});
