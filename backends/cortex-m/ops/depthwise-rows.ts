import type { Node, ValueInfo } from "../../../src/ir/graph.js";
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { OpDef } from "../../../src/ir/op.js";
import { planConv, QDepthwiseConv2D } from "../../../src/ir/ops/quant/conv.js";
import { rowsLayout, rowsTilesPerRow } from "./depthwise-rows-tiles.js";
import { contentNamedArray } from "./content-array.js";
import { convKernelParams } from "./conv-dsp.js";
import { dspTwinOp } from "./dsp-twin.js";
import { isRows3x3, isRows3x3Planes, oriented, rows3x3PlaneChannels, rowsParams, rowsWeightBytes, rowsRequantWords, rowsWeightWords, runsRowsK, runsRowsPlane, planeWork, type PlaneWork } from "./depthwise-rows-layout.js";

/**
 * QDepthwiseConv2DRowsDsp: QDepthwiseConv2D (same attributes, infer, evaluate, MACs, bit-exact C)
 * as eg_qdepthwise_i8_rows (runtime-c/kernels/qdepthwise_i8_rows.c): channel-planar int16 rows in
 * a ring of KH rows, two taps of one channel per SMLAD, the input offset folded into the bias and
 * the requantization on SMMLAR, all operands laid out here from the constant weights and bias.
 * Scratch: the ring, R * WP * 2 bytes (depthwise-rows-layout.ts, which also swaps the image axes
 * when rows along H are longer; depthwise-rows-tiles.ts runs 3x3 stride-1 rows in column tiles
 * through eg_qdepthwise_i8_rows_tiles when no whole row fits), never more than CMSIS-NN's
 * arm_depthwise_conv_s8_opt asks for the layer. A layer the kernel does not fit (depth multiplier
 * > 1, dilation along both axes, a ring larger than CMSIS-NN's scratch, weights or bias computed at run
 * time, an accumulator that can reach 2^30) is emitted as the general kernel without scratch
 * (QDepthwiseConv2DDsp's band form); quant-cost.ts prices those layers so that extraction keeps
 * the other depthwise ops for them.
 */

const NAME = "QDepthwiseConv2DRowsDsp";

/** The general kernel without scratch: the fallback's C (eg_qdepthwise_i8_dsp with scratch NULL). */
const fallback = dspTwinOp({
  name: NAME,
  generic: QDepthwiseConv2D,
  plan: (node, inputs) => planConv(node, inputs, true),
  unit: "qdepthwise_i8_dsp",
  kernelFn: "eg_qdepthwise_i8_dsp",
  params: convKernelParams,
  scratch: () => 0, // the scratch argument, NULL
});

function infos(node: Node, ctx: EmitCtx): (ValueInfo | undefined)[] {
  return node.inputs.map((t) => (t === "" ? undefined : ctx.info(t)));
}

/** What the cost model needs of a layer the ring kernel fits: its rows, outputs and loop. */
export interface RowsWork {
  /**
   * Channels (N * C: one call each for the K-wide loops), channel rows (N * C * oriented OH, times
   * the tiles of a row when the rows run in column tiles: a ring row and a loop call each) and outputs.
   */
  readonly channels: number;
  readonly rows: number;
  readonly outputs: number;
  /** Outputs per row (the oriented OW), or per tile (the tile width; the last tile may be narrower). */
  readonly rowLength: number;
  /** Column tiles per channel row (depthwise-rows-tiles.ts); 1 for whole rows. */
  readonly tiles: number;
  /** The 3x3 stride-1 loop (sums in registers); the stride-1 loop of widths 1..7; else one at a time. */
  readonly threeByThree: boolean;
  /** The 3x3 loop fused with its requantization: no activation clamp narrower than int8. */
  readonly fused: boolean;
  /**
   * The 3x3 loop's four-output form with the three-instruction requantization
   * (qdepthwise_i8_quad3x3.c): stride 1 across rows too, fused, output zero point -128, rows of
   * at least 4 outputs.
   */
  readonly quad3x3: boolean;
  /** Four channels' rings built together (the layout's R = 12, qdepthwise_i8_ring4.c). */
  readonly fourRings: boolean;
  /** Whole planes of 4 or 2 channels, rows of 6 or 12 (isRows3x3Planes: qdepthwise_i8_planes3x3.c, qdepthwise_i8_six3x3.c). */
  readonly planes3x3: boolean;
  /** Channels a plane group builds together (rows3x3PlaneChannels), and the input rows it builds (the others are padding, set once a call). */
  readonly planes3x3Channels: number;
  readonly planes3x3BuiltRows: number;
  readonly stride1: boolean;
  /** SMLADs per output: KH * ceil(KW / 2) of the oriented kernel. */
  readonly smlads: number;
  /**
   * The Thumb-2 rows of qdepthwise_i8_rows_k.c's four-output loops run the layer: width 5 or 7
   * at stride 1 or 2 (or its one-kernel-row width 3, qdepthwise_i8_rows_1x3.c), OW >= 4, and the SMMLAR-ASR-SSAT requantization (no clamp narrower than
   * int8, output zero point -128). Its C loops (the other widths 1..7) run too but are priced
   * as before: measured above the 3x3 general kernel on person_detect's Conv2d_4 (228100 with
   * one call per channel, 312660 before, against 222640 instructions), whose own price
   * overshoots there.
   */
  readonly quadK: boolean;
  /** One kernel row of 3 (3x1 transposed, or 1x3): qdepthwise_i8_rows_1x3.c, called by qdepthwise_i8_rows_k.c. */
  readonly oneRow3: boolean;
  /**
   * The Thumb-2 stride-2 rows (square 5x5, 7x7 at stride 2 along both axes) build their two new
   * ring rows an output row in one pass (eg_qdepthwise_i8_ring_body2): priced per row and column apart.
   */
  readonly pairedBuild: boolean;
  /** Ring columns built per output row: min(SH, the window's rows) input rows of WP columns. */
  readonly builtColumnsPerRow: number;
  /** Outputs the four-output loops compute per row: 4 * ceil(OW / 4) (the last group overlaps). */
  readonly quadOutputsPerRow: number;
  /** eg_qdepthwise_i8_rows_plane runs the layer (runsRowsPlane): its counts, else undefined. */
  readonly plane: PlaneWork | undefined;
}

/** The ring kernel's work for a layer, undefined when it does not fit (from shapes only). */
export function rowsWork(node: Node, inputs: readonly (ValueInfo | undefined)[]): RowsWork | undefined {
  let p;
  try {
    p = planConv(node, inputs, true);
  } catch {
    return undefined;
  }
  const g = rowsLayout(p);
  if (typeof g === "string") return undefined;
  const o = oriented(p, g.transposed);
  const tiles = rowsTilesPerRow(p, g);
  return {
    channels: p.n * p.c,
    rows: p.n * p.c * o.oh * tiles,
    outputs: p.n * p.c * o.oh * o.ow,
    rowLength: g.tileWidth,
    tiles,
    threeByThree: isRows3x3(o),
    fused: p.actMin === -128 && p.actMax === 127,
    quad3x3: isRows3x3(o) && o.sh === 1 && p.actMin === -128 && p.actMax === 127 && p.yOffset === -128 && o.ow >= 4,
    fourRings: g.r === 12,
    planes3x3: isRows3x3Planes(p, o),
    planes3x3Channels: rows3x3PlaneChannels(o),
    planes3x3BuiltRows: Math.min(o.h + o.padTop, o.oh + 2) - o.padTop,
    stride1: o.sw === 1 && o.kw <= 7,
    smlads: o.kh * Math.ceil(o.kw / 2),
    builtColumnsPerRow: Math.min(o.sh, (o.kh - 1) * o.dh + 1) * g.wp,
    quadOutputsPerRow: 4 * Math.ceil(o.ow / 4),
    quadK: (o.kw === 5 || o.kw === 7 || (o.kw === 3 && o.kh === 1)) && runsRowsK(p, o),
    oneRow3: o.kw === 3 && o.kh === 1,
    pairedBuild: o.kw === o.kh && (o.kw === 5 || o.kw === 7) && o.sw === 2 && o.sh === 2 && o.dh === 1,
    plane: runsRowsPlane(p, g) ? planeWork(p, g) : undefined,
  };
}

function emitRows(node: Node, ctx: EmitCtx): void {
  const ins = infos(node, ctx);
  fallback.infer(node, ins); // the shape checks and their messages
  const p = planConv(node, ins, true);
  const geometry = rowsLayout(p);
  const [x, w, b] = node.inputs;
  const hasBias = b !== undefined && b !== "";
  const wt = typeof geometry === "string" ? undefined : ctx.constant?.(w!);
  const bt = hasBias ? ctx.constant?.(b) : undefined;
  const rq = wt === undefined || (hasBias && bt === undefined) ? "" : rowsRequantWords(wt.data as ArrayLike<number>, bt?.data as ArrayLike<number> | undefined, p);
  if (typeof geometry === "string" || wt === undefined || typeof rq === "string") {
    fallback.emitC!(node, ctx);
    return;
  }
  // Flash of the kernel's arrays for the compile summary: the weight pairs in place of the
  // weights, the per-channel words (16 B a channel) in place of the bias (or with the weights).
  ctx.constant?.(w!, rowsWeightBytes(p, geometry) + (hasBias ? 0 : 16 * p.c));
  if (hasBias) ctx.constant?.(b, 16 * p.c);
  // qdepthwise_i8_rows_k and its ring build (11.4 KB of text) only for a layer it runs: the others pass NULL for its
  // loop, so a program of 3x3 layers (kws, person_detect) neither references nor links it.
  const rowsK = runsRowsK(p, oriented(p, geometry.transposed));
  for (const unit of ["qfixed_i8", "qdsp_i8", "qdepthwise_i8_quad3x3", "qdepthwise_i8_ring_row", "qdepthwise_i8_ring4", "qdepthwise_i8_rows_quad", "qdepthwise_i8_rows"]) ctx.useRuntime(unit);
  // The stride-2 plane layers (qdepthwise_i8_rows_plane.c and its build) in place of rows_k.
  const plane = runsRowsPlane(p, geometry);
  if (plane) for (const unit of ["qdepthwise_i8_plane_build", "qdepthwise_i8_rows_plane"]) ctx.useRuntime(unit);
  else if (rowsK) for (const unit of ["qdepthwise_i8_rows_1x3", "qdepthwise_i8_rows_k"]) ctx.useRuntime(unit);
  const words = rowsWeightWords(wt.data as ArrayLike<number>, p, geometry);
  const wpk = contentNamedArray(ctx, "w_rows", "uint32_t", words.map((v) => `${v}u`), 8);
  const rqc = contentNamedArray(ctx, "w_rowsrq", "int32_t", rq.map(String), 4);
  const params = ctx.constArray("int32_t", rowsParams(p, geometry));
  const four = plane ? "eg_qdepthwise_i8_rows_plane" : rowsK ? "eg_qdepthwise_i8_rows_k" : "NULL";
  const args = `${ctx.ptr(x!)}, ${wpk}, ${rqc}, ${ctx.ptr(node.outputs[0]!)}, ${params}, (int16_t *)${ctx.scratch()}`;
  // Whole planes (rows of 6 or 12): their own entry and units, so that other programs do not link them.
  if (isRows3x3Planes(p, oriented(p, geometry.transposed))) {
    for (const unit of ["qdepthwise_i8_six3x3", "qdepthwise_i8_planes3x3"]) ctx.useRuntime(unit);
    ctx.line(`eg_qdepthwise_i8_rows_planes(${args});`);
    return;
  }
  const tiled = rowsTilesPerRow(p, geometry) > 1;
  if (tiled) ctx.useRuntime("qdepthwise_i8_rows_tiles");
  ctx.line(`eg_qdepthwise_i8_rows${tiled ? "_tiles" : ""}(${args}, ${four});`);
}

function scratchBytes(node: Node, inputs: readonly (ValueInfo | undefined)[]): number {
  const geometry = rowsLayout(planConv(node, inputs, true));
  return typeof geometry === "string" ? 0 : geometry.scratchBytes;
}

/** The op of this file, for the plugin's op list. */
export const DEPTHWISE_ROWS_OPS: readonly OpDef[] = [{ ...fallback, emitC: emitRows, scratchBytes }];
