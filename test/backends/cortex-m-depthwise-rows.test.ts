import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { writeOutputDir } from "../../src/output.js";
import { planConv } from "../../src/ir/ops/quant/conv.js";
import { cmsisDepthwiseScratch, rowsGeometry } from "../../backends/cortex-m/ops/depthwise-rows-layout.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { rng } from "../support/graphs.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";
import { multiNodeGraph, randInt, randomInts, randomScale, type QNode } from "../ops/quant-support.js";

/**
 * eg_qdepthwise_i8_rows (QDepthwiseConv2DRowsDsp, runtime-c/kernels/qdepthwise_i8_rows.c): the
 * kws-like 25x5x64 3x3 layer, other 3x3 stride-1 rows (even, odd and clamped, stride 2 across rows), 3x1 / 5x5 / 7x7 at strides 1 and 2, odd channel counts, a vertically
 * dilated layer (the ring), 9x9 (wider than the stride-1 pair loop), fused-ReLU layers of every
 * width at both strides (qdepthwise_i8_rows_k.c's four-output loops), and one dilated along both axes (not fitted: the general kernel without
 * scratch). Host build with ASan/UBSan (portable wrappers) and cortex-m4 under QEMU (SMLAD/SMMLAR)
 * against the evaluator (TFLM's arithmetic), bit-exact; ring scratch within CMSIS-NN's.
 */
interface Shape {
  readonly hw: [number, number];
  readonly k: [number, number];
  readonly s: [number, number];
  readonly d: [number, number];
  readonly c: number;
  /** Fused ReLU with output zero point -128 (full int8 range): the four-output loops of qdepthwise_i8_rows_k.c. */
  readonly relu?: true;
}

const SHAPES: readonly Shape[] = [
  { hw: [25, 5], k: [3, 3], s: [1, 1], d: [1, 1], c: 64 },
  { hw: [12, 9], k: [3, 1], s: [1, 1], d: [1, 1], c: 21 },
  { hw: [12, 9], k: [3, 1], s: [2, 2], d: [1, 1], c: 16 },
  { hw: [11, 10], k: [5, 5], s: [1, 1], d: [1, 1], c: 13 },
  { hw: [11, 11], k: [5, 5], s: [2, 2], d: [1, 1], c: 12 },
  { hw: [13, 12], k: [7, 7], s: [1, 1], d: [1, 1], c: 9 },
  { hw: [14, 13], k: [7, 7], s: [2, 2], d: [1, 1], c: 8 },
  { hw: [10, 8], k: [3, 3], s: [2, 2], d: [1, 1], c: 11 },
  { hw: [12, 8], k: [3, 3], s: [1, 1], d: [2, 1], c: 16 },
  { hw: [12, 12], k: [9, 9], s: [1, 1], d: [1, 1], c: 8 },
  { hw: [12, 9], k: [3, 3], s: [1, 1], d: [2, 2], c: 8 },
  // The 3x3 stride-1 rows (rows_channel_3x3): even rows fused, odd rows with the activation clamp
  // (i % 3 === 1: the two-pass form), stride 2 across rows.
  { hw: [10, 6], k: [3, 3], s: [1, 1], d: [1, 1], c: 7 },
  { hw: [6, 9], k: [3, 3], s: [1, 1], d: [1, 1], c: 5 },
  { hw: [10, 9], k: [3, 3], s: [2, 1], d: [1, 1], c: 6 },
  // qdepthwise_i8_rows_k.c (fused ReLU, zero point -128): 5x5/7x7 at both strides (the Thumb-2
  // rows on cortex-m4) with OW % 4 = 0..3 (overlapping last groups, odd OW), KH != KW, Kx1 and
  // 1xK (the C loops), and OW < 4 (left to the ring kernel's own loops).
  { hw: [11, 10], k: [5, 5], s: [1, 1], d: [1, 1], c: 6, relu: true },
  { hw: [9, 13], k: [5, 5], s: [1, 1], d: [1, 1], c: 5, relu: true },
  { hw: [9, 12], k: [7, 7], s: [1, 1], d: [1, 1], c: 4, relu: true },
  { hw: [11, 11], k: [5, 5], s: [2, 2], d: [1, 1], c: 5, relu: true },
  { hw: [10, 17], k: [7, 7], s: [2, 2], d: [1, 1], c: 4, relu: true },
  { hw: [9, 15], k: [3, 5], s: [1, 1], d: [1, 1], c: 8, relu: true },
  { hw: [7, 11], k: [3, 7], s: [2, 2], d: [1, 1], c: 8, relu: true },
  { hw: [10, 9], k: [5, 3], s: [1, 1], d: [1, 1], c: 8, relu: true },
  { hw: [12, 9], k: [3, 1], s: [1, 1], d: [1, 1], c: 8, relu: true },
  { hw: [7, 14], k: [1, 3], s: [2, 2], d: [1, 1], c: 8, relu: true },
  { hw: [5, 3], k: [5, 5], s: [1, 1], d: [1, 1], c: 3, relu: true },
];
/** The layers the ring kernel does not fit (dilation along both axes): emitted as the general kernel. */
const NOT_FITTED = 1;

function shapeCase(op: "QDepthwiseConv2DRowsDsp" | "QDepthwiseConv2D", i: number): QNode {
  const { hw, k, s, d, c, relu } = SHAPES[i]!;
  const r = rng(2800 + i);
  // "Same" padding: (K - 1) * D split top/left first.
  const pads = [((k[0] - 1) * d[0]) >> 1, ((k[1] - 1) * d[1]) >> 1, ((k[0] - 1) * d[0] + 1) >> 1, ((k[1] - 1) * d[1] + 1) >> 1];
  return {
    op,
    inputs: [
      { value: randomInts("int8", [1, hw[0], hw[1], c], r) },
      { value: randomInts("int8", [1, k[0], k[1], c], r, -127, 127), constant: true },
      { value: randomInts("int32", [c], r, -20000, 20000), constant: true },
    ],
    attrs: {
      x_scale: randomScale(r, 0.01, 0.1), x_zero_point: randInt(r, -128, 127),
      w_scale: Array.from({ length: c }, () => randomScale(r, 0.002, 0.02)),
      y_scale: randomScale(r, 0.05, 0.5), y_zero_point: relu === true ? -128 : randInt(r, -128, 127),
      strides: s, dilations: d, pads, depth_multiplier: 1,
      ...(relu === true ? { act_min: -128, act_max: 127 } : i % 3 === 1 ? { act_min: randInt(r, -100, -20), act_max: randInt(r, 20, 100) } : {}),
    },
  };
}

const work = mkdtempSync(join(tmpdir(), "egret-dw-rows-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function rowsCalls(modelC: string): number {
  return modelC.split("eg_qdepthwise_i8_rows(").length - 1;
}

describe("depthwise on channel-planar int16 rows (QDepthwiseConv2DRowsDsp)", () => {
  it("ring scratch stays within CMSIS-NN's arm_depthwise_conv_s8_opt scratch; dilation along both axes is not fitted", () => {
    const { graph } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2D", i)));
    let fitted = 0;
    for (const node of graph.nodes) {
      const p = planConv(node, node.inputs.map((t) => graph.values.get(t)), true);
      const g = rowsGeometry(p);
      if (typeof g === "string") {
        expect(g).toMatch(/dilation 1 along one image axis/);
        continue;
      }
      fitted++;
      expect(g.scratchBytes).toBeLessThanOrEqual(cmsisDepthwiseScratch(p));
    }
    expect(fitted).toBe(SHAPES.length - NOT_FITTED);
  });

  it("host build (portable path, ASan/UBSan) equals the evaluator", async () => {
    const { graph, feeds } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2DRowsDsp", i)));
    const files = compile(graph).files;
    expect(rowsCalls(files.get("model.c") ?? "")).toBe(SHAPES.length - NOT_FITTED);
    const want = runGraph(graph, feeds);
    const got = await buildAndRunAsync(files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
    want.forEach((t, i) => expect(Array.from(got[i]!.toNumbers()), `layer ${i} ${JSON.stringify(SHAPES[i])}`).toEqual(Array.from(t.toNumbers())));
    expect(new Set(want.flatMap((t) => Array.from(t.toNumbers()))).size, "outputs spread over the int8 range").toBeGreaterThan(150);
  });

  it("cortex-m4 cost model: extraction picks the ring kernel for the kws-like 25x5x64 3x3 layer", () => {
    const { graph } = multiNodeGraph([shapeCase("QDepthwiseConv2D", 0)]);
    expect(compile(graph, { target: "cortex-m4", targetRules: true }).graph.nodes.map((n) => n.op)).toEqual(["QDepthwiseConv2DRowsDsp"]);
  });

  it("cortex-m4 under QEMU (SMLAD/SMMLAR/SSAT): bit-exact with the evaluator", async () => {
    const { graph, feeds } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2DRowsDsp", i)));
    const want = runGraph(graph, feeds);
    const files = compile(graph, { target: "cortex-m4", targetRules: false }).files;
    expect(rowsCalls(files.get("model.c") ?? "")).toBe(SHAPES.length - NOT_FITTED);
    const harness = join(work, "qemu", "harness");
    writeOutputDir(join(work, "qemu"), files);
    const ins = feeds.map((t, i) => {
      writeFileSync(join(harness, `in${i}.bin`), t.bytes());
      return `in${i}.bin`;
    });
    mkdirSync(join(harness, "res"));
    await promisify(execFile)("make", ["-s", "-C", harness, "run", `ARGS=-n 1 ${ins.join(" ")} res`], { timeout: CHILD_TIMEOUT_MS });
    want.forEach((t, i) => {
      const got = Array.from(new Uint8Array(readFileSync(join(harness, "res", `${i}.bin`))));
      expect(got, `layer ${i} ${JSON.stringify(SHAPES[i])}`).toEqual(Array.from(t.bytes()));
    });
  });
});
