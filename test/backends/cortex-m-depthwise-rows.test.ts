import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { planConv } from "../../src/ir/ops/quant/conv.js";
import { cmsisDepthwiseScratch, rowsGeometry } from "../../backends/cortex-m/ops/depthwise-rows-layout.js";
import { rowsLayout } from "../../backends/cortex-m/ops/depthwise-rows-tiles.js";
import { rowsWork } from "../../backends/cortex-m/ops/depthwise-rows.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { rng } from "../support/graphs.js";
import { runFilesOnQemu } from "../support/qemu-harness.js";
import { multiNodeGraph, randInt, randomInts, randomScale, type QNode } from "../ops/quant-support.js";

/**
 * eg_qdepthwise_i8_rows (QDepthwiseConv2DRowsDsp, runtime-c/kernels/qdepthwise_i8_rows.c): the
 * kws-like 25x5x64 3x3 layer, other 3x3 stride-1 rows (even, odd and clamped, stride 2 across rows), 3x1 / 5x5 / 7x7 at strides 1 and 2, odd channel counts, a vertically
 * dilated layer (the ring), 9x9 (wider than the stride-1 pair loop), fused-ReLU layers of every
 * width at both strides (qdepthwise_i8_rows_k.c's four-output loops), rows of 6 and 12 on whole planes (eg_qdepthwise_i8_rows_planes), and one dilated along both axes (not fitted: the general kernel without
 * scratch). Host build with ASan/UBSan (portable wrappers) and cortex-m4 under QEMU (SMLAD/SMMLAR)
 * against the evaluator (TFLM's arithmetic), bit-exact; ring scratch within CMSIS-NN's.
 */
interface Shape {
  readonly hw: [number, number];
  readonly k: [number, number];
  readonly s: [number, number];
  readonly d: [number, number];
  readonly c: number;
  /**
   * Output zero point -128 with the given activation range (ReLU-like): [-128, 127] runs the
   * four-output loop with the three-instruction requantization and its one-output tail
   * (qdepthwise_i8_quad3x3.c, driven by qdepthwise_i8_rows_quad.c), a narrower one must not.
   * `pads` overrides "same" padding.
   */
  readonly relu?: readonly [number, number];
  readonly pads?: readonly [number, number, number, number];
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
  // Output zero point -128 (the four-output loop where the range is full): kws's layer, odd and
  // even row lengths (4k, 4k + 1, 4k + 2, 4k + 3), padding on one side only, none, and more on
  // every side; a narrower range and stride 2 across rows, which must take the exact loops (as
  // the full ranges above with another zero point do).
  { hw: [25, 5], k: [3, 3], s: [1, 1], d: [1, 1], c: 64, relu: [-128, 127] },
  { hw: [12, 12], k: [3, 3], s: [1, 1], d: [1, 1], c: 16, relu: [-128, 127] },
  // Four channels' rings built together (R = 12: 3x3 stride 1, channels a multiple of 4, within
  // CMSIS-NN's scratch): no padding (even first column, 4k + 2 outputs a row), and more on every side.
  { hw: [20, 6], k: [3, 3], s: [1, 1], d: [1, 1], c: 32, relu: [-128, 127], pads: [0, 0, 0, 0] },
  { hw: [6, 23], k: [3, 3], s: [1, 1], d: [1, 1], c: 40, relu: [-128, 127], pads: [2, 1, 1, 2] },
  { hw: [6, 6], k: [3, 3], s: [1, 1], d: [1, 1], c: 9, relu: [-128, 127] },
  { hw: [9, 7], k: [3, 3], s: [1, 1], d: [1, 1], c: 5, relu: [-128, 127], pads: [0, 0, 2, 2] },
  { hw: [8, 11], k: [3, 3], s: [1, 1], d: [1, 1], c: 6, relu: [-128, 127], pads: [0, 0, 0, 0] },
  { hw: [7, 8], k: [3, 3], s: [1, 1], d: [1, 1], c: 4, relu: [-128, 127], pads: [2, 1, 1, 2] },
  { hw: [10, 10], k: [3, 3], s: [1, 1], d: [1, 1], c: 7, relu: [-128, 100] },
  { hw: [10, 9], k: [3, 3], s: [2, 1], d: [1, 1], c: 6, relu: [-128, 127] },
  // qdepthwise_i8_rows_k.c (fused ReLU, zero point -128): 5x5/7x7 at both strides (the Thumb-2
  // rows on cortex-m4) with OW % 4 = 0..3 (overlapping last groups, odd OW), KH != KW, Kx1 and
  // 1xK (the C loops), and OW < 4 (left to the ring kernel's own loops).
  { hw: [11, 10], k: [5, 5], s: [1, 1], d: [1, 1], c: 6, relu: [-128, 127] },
  { hw: [9, 13], k: [5, 5], s: [1, 1], d: [1, 1], c: 5, relu: [-128, 127] },
  { hw: [9, 12], k: [7, 7], s: [1, 1], d: [1, 1], c: 4, relu: [-128, 127] },
  { hw: [11, 11], k: [5, 5], s: [2, 2], d: [1, 1], c: 5, relu: [-128, 127] },
  { hw: [10, 17], k: [7, 7], s: [2, 2], d: [1, 1], c: 4, relu: [-128, 127] },
  { hw: [9, 15], k: [3, 5], s: [1, 1], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [7, 11], k: [3, 7], s: [2, 2], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [10, 9], k: [5, 3], s: [1, 1], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [12, 9], k: [3, 1], s: [1, 1], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [7, 14], k: [1, 3], s: [2, 2], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [5, 3], k: [5, 5], s: [1, 1], d: [1, 1], c: 3, relu: [-128, 127] },
  // One call per channel (its own ring build, rows and ring pointers): dilated across rows (no
  // doubled slot table), no padding, padding on one side and more rows of it than the ring has
  // (rows above the input skipped, rows below filled), odd left padding (the first input column
  // at an odd ring column), stride 2 across rows only, and the axes swapped.
  { hw: [13, 17], k: [5, 5], s: [1, 1], d: [2, 1], c: 8, relu: [-128, 127] },
  { hw: [12, 15], k: [7, 7], s: [1, 1], d: [1, 1], c: 6, relu: [-128, 127], pads: [0, 0, 0, 0] },
  { hw: [14, 19], k: [5, 5], s: [2, 2], d: [1, 1], c: 5, relu: [-128, 127], pads: [4, 3, 4, 1] },
  { hw: [9, 16], k: [7, 7], s: [2, 1], d: [1, 1], c: 4, relu: [-128, 127] },
  { hw: [16, 9], k: [5, 5], s: [1, 1], d: [1, 1], c: 7, relu: [-128, 127] },
  { hw: [11, 21], k: [7, 7], s: [2, 2], d: [1, 1], c: 4, relu: [-128, 127], pads: [6, 6, 6, 6] },
  { hw: [10, 11], k: [5, 5], s: [1, 1], d: [1, 1], c: 6, relu: [-128, 127], pads: [1, 3, 3, 1] },
  // 6x6 rows on four channels' rings: one four-output pass and the asm tail's two outputs a row
  // (priced as the ring kernel since that tail, and picked at 16 channels).
  { hw: [6, 6], k: [3, 3], s: [1, 1], d: [1, 1], c: 16, relu: [-128, 127] },
  // Rows of 4k + 3 (the tail's pair and its last output): four rings, and one channel's ring
  // (the map transposed).
  { hw: [7, 11], k: [3, 3], s: [1, 1], d: [1, 1], c: 20, relu: [-128, 127] },
  { hw: [11, 7], k: [3, 3], s: [1, 1], d: [1, 1], c: 5, relu: [-128, 127] },
  // One kernel row of 3 (qdepthwise_i8_rows_1x3.c): 3x1 transposed at stride 2 (rows of 7) and at stride 1 with
  // rows of 13 (odd, OW % 4 = 1) and no padding; 1x3 at stride 1; a 3x1 dilated across its 3 taps,
  // which cannot run transposed (dilation 1 along the rows) and keeps rows of one tap.
  { hw: [14, 9], k: [3, 1], s: [2, 2], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [13, 5], k: [3, 1], s: [1, 1], d: [1, 1], c: 5, relu: [-128, 127], pads: [0, 0, 0, 0] },
  { hw: [6, 10], k: [1, 3], s: [1, 1], d: [1, 1], c: 7, relu: [-128, 127] },
  { hw: [12, 6], k: [3, 1], s: [1, 1], d: [2, 1], c: 24, relu: [-128, 127] },
  // Column tiles (depthwise-rows-tiles.ts: no orientation's whole rows fit CMSIS-NN's scratch):
  // person_detect's 48x48x8 (tiles of 16), 3 channels (tiles of 5, the last of 3 on the exact
  // loops), two left padding columns and none on the right (tiles of 20 and 17), a clamp narrower
  // than int8 (the exact loops in every tile, the last one narrower), and the axes swapped.
  { hw: [48, 48], k: [3, 3], s: [1, 1], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [6, 48], k: [3, 3], s: [1, 1], d: [1, 1], c: 3, relu: [-128, 127] },
  { hw: [30, 37], k: [3, 3], s: [1, 1], d: [1, 1], c: 8, relu: [-128, 127], pads: [1, 2, 1, 0] },
  { hw: [12, 30], k: [3, 3], s: [1, 1], d: [1, 1], c: 4, relu: [-128, 100] },
  { hw: [40, 20], k: [3, 3], s: [1, 1], d: [1, 1], c: 4, relu: [-128, 127] },
  // qdepthwise_i8_rows_1x3.c's own row loop (one ring row): padding rows above and below the input
  // (the ring row all zp) with odd left padding at stride 2 (1x3, OW % 4 = 2), and 3x1 transposed
  // at stride 1 with padding rows before the input only and rows of 15 (OW % 4 = 3).
  { hw: [9, 13], k: [1, 3], s: [2, 2], d: [1, 1], c: 6, relu: [-128, 127], pads: [1, 1, 2, 0] },
  { hw: [15, 5], k: [3, 1], s: [1, 1], d: [1, 1], c: 16, relu: [-128, 127], pads: [2, 1, 0, 1] },
  // qdepthwise_i8_rows_plane.c (square 5x5/7x7 at stride 2, a plane row for every padded input row
  // read, within CMSIS-NN's scratch): even left padding with OW % 4 = 2 (the pair) and rows of 12
  // columns (the four-column build step); odd left padding with OW % 4 = 0 (the whole channel in
  // one asm statement, rows of 16 columns built in one statement); 7x7 with odd left padding, an odd
  // number of input rows and columns and OW % 4 = 3 (the overlapping group); no padding with an input
  // row no window reads and OW % 4 = 3; 5x5 with OW % 4 = 1.
  { hw: [12, 12], k: [5, 5], s: [2, 2], d: [1, 1], c: 16, relu: [-128, 127] },
  { hw: [16, 16], k: [5, 5], s: [2, 2], d: [1, 1], c: 16, relu: [-128, 127], pads: [1, 1, 2, 2] },
  { hw: [11, 13], k: [7, 7], s: [2, 2], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [16, 17], k: [5, 5], s: [2, 2], d: [1, 1], c: 16, relu: [-128, 127], pads: [0, 0, 0, 0] },
  { hw: [10, 17], k: [5, 5], s: [2, 2], d: [1, 1], c: 16, relu: [-128, 127] },
  // Four channels' whole planes, rows of 6 (qdepthwise_i8_planes3x3.c, qdepthwise_i8_six3x3.c):
  // person_detect's 6x6x128 ("same": zp, x0 .. x5, zp), no padding (8x8), and padding rows above
  // and below with an odd left padding and the input's last column at plane column 7 (the general build).
  { hw: [6, 6], k: [3, 3], s: [1, 1], d: [1, 1], c: 128, relu: [-128, 127] },
  { hw: [8, 8], k: [3, 3], s: [1, 1], d: [1, 1], c: 64, relu: [-128, 127], pads: [0, 0, 0, 0] },
  { hw: [5, 7], k: [3, 3], s: [1, 1], d: [1, 1], c: 36, relu: [-128, 127], pads: [2, 1, 1, 0] },
  // Two channels' planes, rows of 12 (eg_qdepthwise_i8_six3x3 twice a row): person_detect's
  // 12x12x64, no padding (14x14), the general build (padding rows, W 13 without left padding),
  // and the axes swapped (12x6: rows along H, outputs 6 columns' strides apart).
  { hw: [12, 12], k: [3, 3], s: [1, 1], d: [1, 1], c: 64, relu: [-128, 127] },
  { hw: [14, 14], k: [3, 3], s: [1, 1], d: [1, 1], c: 64, relu: [-128, 127], pads: [0, 0, 0, 0] },
  { hw: [11, 13], k: [3, 3], s: [1, 1], d: [1, 1], c: 50, relu: [-128, 127], pads: [2, 0, 1, 1] },
  { hw: [12, 6], k: [3, 3], s: [1, 1], d: [1, 1], c: 30, relu: [-128, 127] },
  // qdepthwise_i8_rows_1x3.c's edge outputs (the interior reads the input directly): "same" 3x1 s1
  // on an even row (the left edge and one right one in its asm), 1x3 s1 on an odd row (two right
  // ones, column W - 1 loaded), 1x3 s2 with odd left padding (the odd-start sums) on an odd row
  // and with two right padding columns, 3x1 s2 on an even row, and left padding 2 (the C edges).
  { hw: [16, 6], k: [3, 1], s: [1, 1], d: [1, 1], c: 8, relu: [-128, 127] },
  { hw: [6, 9], k: [1, 3], s: [1, 1], d: [1, 1], c: 6, relu: [-128, 127] },
  { hw: [5, 13], k: [1, 3], s: [2, 2], d: [1, 1], c: 9, relu: [-128, 127], pads: [0, 1, 0, 1] },
  { hw: [7, 14], k: [1, 3], s: [2, 2], d: [1, 1], c: 12, relu: [-128, 127], pads: [0, 1, 0, 2] },
  { hw: [12, 5], k: [3, 1], s: [2, 2], d: [1, 1], c: 7, relu: [-128, 127], pads: [0, 0, 1, 0] },
  { hw: [5, 10], k: [1, 3], s: [1, 1], d: [1, 1], c: 10, relu: [-128, 127], pads: [0, 2, 0, 2] },
];
/** Kx1 layers run transposed (rows along H: a kernel row of K taps); the dilated one cannot. */
const TRANSPOSED_KX1 = [1, 2, 32, 45, 46, 55, 68, 72];
const NOT_TRANSPOSED_KX1 = [48];
/** The layers of the four-output loop: stride 1, output zero point -128, range [-128, 127], rows of >= 4. */
const QUAD = [14, 15, 16, 17, 18, 19, 20, 21, 42, 43, 44, 49, 50, 51, 53, 61, 62, 63, 64, 65, 66, 67];
/** The 3x3 stride-1 layers on whole planes (4 channels of 8 columns for rows of 6, 2 of 16 for rows of 12). */
const PLANES3X3 = [61, 62, 63, 64, 65, 66, 67];
/** The layers whose rows run in column tiles, and their tile widths. */
const TILED: ReadonlyMap<number, number> = new Map([[49, 16], [50, 5], [51, 20], [52, 8], [53, 8]]);
/** The layers the ring kernel does not fit (dilation along both axes): emitted as the general kernel. */
const NOT_FITTED = 1;

function shapeCase(op: "QDepthwiseConv2DRowsDsp" | "QDepthwiseConv2D", i: number): QNode {
  const { hw, k, s, d, c, relu } = SHAPES[i]!;
  const r = rng(2800 + i);
  // "Same" padding: (K - 1) * D split top/left first.
  const pads = SHAPES[i]!.pads ?? [((k[0] - 1) * d[0]) >> 1, ((k[1] - 1) * d[1]) >> 1, ((k[0] - 1) * d[0] + 1) >> 1, ((k[1] - 1) * d[1] + 1) >> 1];
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
      y_scale: randomScale(r, 0.05, 0.5), y_zero_point: relu === undefined ? randInt(r, -128, 127) : -128,
      strides: s, dilations: d, pads, depth_multiplier: 1,
      ...(relu !== undefined ? { act_min: relu[0], act_max: relu[1] } : i % 3 === 1 ? { act_min: randInt(r, -100, -20), act_max: randInt(r, 20, 100) } : {}),
    },
  };
}

const work = mkdtempSync(join(tmpdir(), "egret-dw-rows-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function rowsCalls(modelC: string): number {
  return modelC.split(/eg_qdepthwise_i8_rows(?:_tiles|_planes)?\(/).length - 1;
}

/**
 * The layers whose call passes eg_qdepthwise_i8_rows_k as the four-output row loop: widths 1..7
 * at strides 1, 2 outside 3x3 s1, OW >= 4 (the 5x3 map runs transposed: rows of 5), fused ReLU.
 */
const ROWS_K = [24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 45, 46, 47, 48, 54, 55, 68, 69, 70, 71, 72, 73];
/** The layers whose call passes eg_qdepthwise_i8_rows_plane in its place (its plane within CMSIS-NN's scratch). */
const PLANE = [56, 57, 58, 59, 60];

describe("depthwise on channel-planar int16 rows (QDepthwiseConv2DRowsDsp)", () => {
  it("ring scratch stays within CMSIS-NN's arm_depthwise_conv_s8_opt scratch; dilation along both axes is not fitted", () => {
    const { graph } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2D", i)));
    let fitted = 0;
    let fourRings = 0;
    for (const [i, node] of graph.nodes.entries()) {
      const p = planConv(node, node.inputs.map((t) => graph.values.get(t)), true);
      const g = rowsLayout(p);
      const whole = rowsGeometry(p);
      if (TILED.has(i)) expect(whole, `layer ${i}: no whole rows fit`).toMatch(/scratch/);
      if (typeof g !== "string") expect(g.tileWidth, `layer ${i} ${JSON.stringify(SHAPES[i])}`).toBe(TILED.get(i) ?? (g.transposed ? p.oh : p.ow));
      if (typeof g === "string") {
        expect(g).toMatch(/dilation 1 along one image axis/);
        continue;
      }
      fitted++;
      if (g.r === 12) fourRings++;
      expect(g.scratchBytes === 64 * ((g.transposed ? p.ow : p.oh) + 2) && g.r * g.wp === 32 * ((g.transposed ? p.ow : p.oh) + 2), `layer ${i}: planes`).toBe(PLANES3X3.includes(i));
      expect(g.scratchBytes).toBeLessThanOrEqual(cmsisDepthwiseScratch(p));
    }
    expect(fitted).toBe(SHAPES.length - NOT_FITTED);
    // kws's layer (both zero points), the two four-ring cases above, the 6x6x16 and 7x11x20 layers.
    expect(fourRings).toBe(6);
  });

  it("host build (portable path, ASan/UBSan) equals the evaluator", async () => {
    const { graph, feeds } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2DRowsDsp", i)));
    const files = compile(graph).files;
    expect(rowsCalls(files.get("model.c") ?? "")).toBe(SHAPES.length - NOT_FITTED);
    expect((files.get("model.c") ?? "").split("eg_qdepthwise_i8_rows_tiles(").length - 1, "tiled layers").toBe(TILED.size);
    const want = runGraph(graph, feeds);
    const got = await buildAndRunAsync(files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
    want.forEach((t, i) => expect(Array.from(got[i]!.toNumbers()), `layer ${i} ${JSON.stringify(SHAPES[i])}`).toEqual(Array.from(t.toNumbers())));
    expect(new Set(want.flatMap((t) => Array.from(t.toNumbers()))).size, "outputs spread over the int8 range").toBeGreaterThan(150);
  });

  it("Kx1 kernels run transposed (rows along H, a kernel row of K taps: SMLAD pairs) where they fit", () => {
    const transposed = (i: number): boolean => {
      const { graph } = multiNodeGraph([shapeCase("QDepthwiseConv2D", i)]);
      const node = graph.nodes[0]!;
      const g = rowsGeometry(planConv(node, node.inputs.map((t) => graph.values.get(t)), true));
      if (typeof g === "string") throw new Error(g);
      return g.transposed;
    };
    for (const i of TRANSPOSED_KX1) expect(transposed(i), `layer ${i}`).toBe(true);
    for (const i of NOT_TRANSPOSED_KX1) expect(transposed(i), `layer ${i}`).toBe(false);
  });

  it("cortex-m4 cost model: extraction picks the ring kernel for the kws-like 25x5x64 3x3 layer, the 6x6 four-ring one and the planes", () => {
    for (const i of [0, QUAD[0]!, 42, ...PLANES3X3]) {
      const { graph } = multiNodeGraph([shapeCase("QDepthwiseConv2D", i)]);
      expect(compile(graph, { target: "cortex-m4", targetRules: true }).graph.nodes.map((n) => n.op), `layer ${i}`).toEqual(["QDepthwiseConv2DRowsDsp"]);
    }
  });

  it("the four-output loop is priced only where its three-instruction requantization is exact", () => {
    const { graph } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2D", i)));
    const quad = graph.nodes.map((node) => rowsWork(node, node.inputs.map((t) => graph.values.get(t)))?.quad3x3 === true);
    expect(quad.flatMap((q, i) => (q ? [i] : []))).toEqual(QUAD);
  });

  it("qdepthwise_i8_rows_k, the stride-2 plane's unit and the 3x3 planes' units are linked only into programs with a layer they run (none for kws)", () => {
    const entries = SHAPES.map((_, i) => {
      const files = compile(multiNodeGraph([shapeCase("QDepthwiseConv2DRowsDsp", i)]).graph, { target: "cortex-m4", targetRules: false }).files;
      const modelC = files.get("model.c") ?? "";
      const passesRowsK = modelC.includes(", eg_qdepthwise_i8_rows_k);");
      const passesPlane = modelC.includes(", eg_qdepthwise_i8_rows_plane);");
      const onPlanes3x3 = modelC.includes("eg_qdepthwise_i8_rows_planes(");
      expect(passesRowsK || passesPlane || onPlanes3x3 || modelC.includes(", NULL);"), `layer ${i}`).toBe(true);
      expect(files.has("qdepthwise_i8_rows_k.c"), `layer ${i} ${JSON.stringify(SHAPES[i])}`).toBe(passesRowsK);
      expect(files.has("qdepthwise_i8_rows_1x3.c"), `layer ${i}: the unit rows_k calls`).toBe(passesRowsK);
      expect(files.has("qdepthwise_i8_rows_plane.c"), `layer ${i}: the plane's unit`).toBe(passesPlane);
      expect(files.has("qdepthwise_i8_planes3x3.c") && files.has("qdepthwise_i8_six3x3.c"), `layer ${i}: the planes' units`).toBe(onPlanes3x3);
      return passesRowsK ? "k" : passesPlane ? "plane" : onPlanes3x3 ? "planes3x3" : "";
    });
    expect(entries.flatMap((k, i) => (k === "k" ? [i] : []))).toEqual(ROWS_K);
    expect(entries.flatMap((k, i) => (k === "plane" ? [i] : []))).toEqual(PLANE);
    expect(entries.flatMap((k, i) => (k === "planes3x3" ? [i] : []))).toEqual(PLANES3X3);
  });

  it("cortex-m4 under QEMU (SMLAD/SMMLAR/SSAT): bit-exact with the evaluator", async () => {
    const { graph, feeds } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2DRowsDsp", i)));
    const want = runGraph(graph, feeds);
    const files = compile(graph, { target: "cortex-m4", targetRules: false }).files;
    expect(rowsCalls(files.get("model.c") ?? "")).toBe(SHAPES.length - NOT_FITTED);
    const res = await runFilesOnQemu(join(work, "qemu"), files, feeds.map((t) => t.bytes()), want.length);
    want.forEach((t, i) => {
      const got = Array.from(res[i]!);
      expect(got, `layer ${i} ${JSON.stringify(SHAPES[i])}`).toEqual(Array.from(t.bytes()));
    });
  });
});
