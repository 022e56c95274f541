import type { Node } from "../../../src/ir/graph.js";
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { OpDef } from "../../../src/ir/op.js";
import { planConv, type ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { convKernelParams, dspConvSemantics, int8Only } from "./conv-dsp.js";
import { DEPTHWISE_DSP_OPS } from "./depthwise-dsp.js";
import { contentNamedArray } from "./content-array.js";
import { emitRequantOperands } from "./requant-table.js";
import { requant2aWords } from "./requant-2a.js";

/**
 * QDepthwiseConv2D3x3Dsp and its band form (`OpDef.bandOp`) QDepthwiseConv2D3x3DspBand: the same
 * op (attributes, infer, evaluate, MACs, bit-identical C), both emitted as
 * eg_qdepthwise3x3_i8_dsp_tab (runtime-c/kernels/qconv_i8_dsp_tab.c), with every operand the 3x3
 * kernel would otherwise build in scratch on each call computed here and kept in flash: the
 * requantization table, the folded bias (bias + x_offset * sum of the channel's 9 weights), the
 * weight words (18 per group of 4 channels) and the padding row. So no scratch (the scratch form
 * took 39 bytes a channel, over CMSIS-NN's 18 for a 3x3 depthwise) and no setup per call (a patch
 * chain calls a layer once per band: kws_ref_model 25 bands). Weights or bias computed at run
 * time (never from the importers) take QDepthwiseConv2DDspBand's C, which needs no scratch either.
 */

const NAME = "QDepthwiseConv2D3x3DspBand";

function opNamed(ops: readonly OpDef[], name: string): OpDef {
  const op = ops.find((o) => o.name === name);
  if (op === undefined) throw new Error(`internal: ${name} is not a Cortex-M DSP op`);
  return op;
}

/** QDepthwiseConv2D3x3Dsp's semantics: the generic QDepthwiseConv2D on 3x3, depth multiplier 1, int8. */
const pixelOp = dspConvSemantics({
  name: "QDepthwiseConv2D3x3Dsp",
  generic: "QDepthwiseConv2D",
  unsupported: (p) =>
    int8Only(p) ??
    (p.kh !== 3 || p.kw !== 3 ? `needs a 3x3 kernel, got ${p.kh}x${p.kw}` : undefined) ??
    (p.cg !== 1 ? `needs depth multiplier 1, got ${p.cg}` : undefined),
});
/** Without the in-place facts (a band form has none). */
const { inPlace: _inPlace, ...base } = pixelOp;

/** Per channel c: bias[c] (0 without bias) + xOffset * sum_t w[t][c], wrapped to int32 (w is [1, 3, 3, C]). */
export function foldDepthwiseBias(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, c: number, xOffset: number): number[] {
  const folded: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let t = 0; t < 9; t++) sum += w[t * c + ch]!;
    // |sum| <= 9 * 128 and |xOffset| <= 255: exact in a double before the wrap.
    folded.push(((bias === undefined ? 0 : bias[ch]!) + Math.imul(xOffset, sum)) | 0);
  }
  return folded;
}

/**
 * The weight words of the 3x3 kernel (eg_qdepthwise3x3_i8_dsp_tab's `wide`, dw_group9's layout):
 * for group g of 4 channels, words 18g + 4j + k (j < 4, k < 4) hold channel 4g + k's taps 2j (low
 * int16) and 2j + 1 (high); words 18g + 16 and 18g + 17 tap 8's channels 4g, 4g + 2 and 4g + 1,
 * 4g + 3 (low, high). Unsigned 32-bit values.
 */
export function widenDepthwise3x3(w: ArrayLike<number>, c: number): number[] {
  const pair = (lo: number, hi: number) => ((lo & 0xffff) | ((hi & 0xffff) << 16)) >>> 0;
  const words: number[] = [];
  for (let g = 0; g + 3 < c; g += 4) {
    for (let t = 0; t < 8; t += 2) for (let k = 0; k < 4; k++) words.push(pair(w[t * c + g + k]!, w[(t + 1) * c + g + k]!));
    const last = 8 * c + g;
    words.push(pair(w[last]!, w[last + 2]!), pair(w[last + 1]!, w[last + 3]!));
  }
  return words;
}

/**
 * eg_qdepthwise3x3_i8_2a's per-channel words [2 * folded, m, k, r] (requant2aWords), or undefined
 * when a channel's requantization is not exact in that form or the activation range leaves int8:
 * the layer then runs eg_qdepthwise3x3_i8_dsp_tab.
 */
function requant2aTable(p: ConvPlan, w: ArrayLike<number>, folded: readonly number[]): number[] | undefined {
  if (p.actMin < -128 || p.actMax > 127 || p.actMin > p.actMax) return undefined;
  const words: number[] = [];
  for (let ch = 0; ch < p.c; ch++) {
    let absWeights = 0;
    for (let t = 0; t < 9; t++) absWeights += Math.abs(w[t * p.c + ch]!);
    const at = p.multipliers.length > 1 ? ch : 0;
    const row = requant2aWords(`channel ${ch}`, folded[ch]!, absWeights, p.multipliers[at]!, p.shifts[at]!, p.yOffset);
    if (typeof row === "string") return undefined;
    words.push(...row);
  }
  return words;
}

/**
 * eg_qdepthwise3x3_i8_2a's `ops`: for each group of 4 channels its 18 weight words (widenDepthwise3x3
 * of the doubled weights), the 4 doubled biases (the accumulators' start, two LDRDs) and each
 * channel's m, k, r: 34 words, one pointer; then [2 * folded, m, k, r] of each channel past the
 * last group. `words2a` is requant2aTable's per-channel rows. int32 values (weight words wrapped).
 */
export function depthwise3x3Ops2a(weights: ArrayLike<number>, words2a: readonly number[], c: number): number[] {
  const wide = widenDepthwise3x3(Array.from(weights, (v) => 2 * v), c);
  const out: number[] = [];
  const grouped = c & ~3;
  for (let g = 0; g < grouped; g += 4) {
    out.push(...wide.slice((g / 4) * 18, (g / 4) * 18 + 18).map((v) => v | 0));
    for (let k = 0; k < 4; k++) out.push(words2a[4 * (g + k)]!);
    for (let k = 0; k < 4; k++) out.push(...words2a.slice(4 * (g + k) + 1, 4 * (g + k) + 4));
  }
  out.push(...words2a.slice(4 * grouped));
  return out;
}

/** C bytes of the input zero point (-xOffset), the row padded taps read. */
function emitPadRow(ctx: EmitCtx, c: number, xOffset: number): string {
  return contentNamedArray(ctx, "eg_pad", "int8_t", new Array<string>(c).fill(String(-xOffset)), 32);
}

function emitBand(node: Node, ctx: EmitCtx): void {
  const infos = node.inputs.map((t) => (t === "" ? undefined : ctx.info(t)));
  base.infer(node, infos); // the base op's shape checks, with its messages
  const [x, w, b] = node.inputs;
  const hasBias = b !== undefined && b !== "";
  const wt = ctx.constant?.(w!);
  const bt = hasBias ? ctx.constant?.(b) : undefined;
  if (wt === undefined || (hasBias && bt === undefined)) {
    opNamed(DEPTHWISE_DSP_OPS, "QDepthwiseConv2DDspBand").emitC!(node, ctx);
    return;
  }
  const p = planConv(node, infos, true);
  const weights = wt.data as ArrayLike<number>;
  const folded = foldDepthwiseBias(weights, bt?.data as ArrayLike<number> | undefined, p.c, p.xOffset);
  const words2a = requant2aTable(p, weights, folded);
  if (words2a !== undefined) {
    for (const unit of ["qfixed_i8", "qdsp_i8", "qconv_i8_dsp", "qdepthwise3x3_i8_dsp", "qdepthwise3x3_i8_2a"]) ctx.useRuntime(unit);
    const ops = contentNamedArray(ctx, "w_dw2a", "int32_t", depthwise3x3Ops2a(weights, words2a, p.c).map(String), 8);
    const params = ctx.constArray("int32_t", convKernelParams(p));
    // The int8 weights serve only the channels past the last group of 4.
    const tail = p.c % 4 === 0 ? "NULL" : ctx.ptr(w!);
    ctx.line(`eg_qdepthwise3x3_i8_2a(${ctx.ptr(x!)}, ${tail}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${ops}, ${emitPadRow(ctx, p.c, p.xOffset)});`);
    return;
  }
  for (const unit of ["qfixed_i8", "qdsp_i8", "qconv_i8_dsp", "qdepthwise3x3_i8_dsp"]) ctx.useRuntime(unit);
  // Named w_* (the size report counts them as weights), by content: the chain emits the layer per band.
  const bias = contentNamedArray(ctx, "w_folded", "int32_t", folded.map(String), 8);
  const words = widenDepthwise3x3(weights, p.c);
  const wide = words.length === 0 ? "NULL" : contentNamedArray(ctx, "w_wide", "uint32_t", words.map((v) => `${v}u`), 8);
  const pad = emitPadRow(ctx, p.c, p.xOffset);
  const params = ctx.constArray("int32_t", convKernelParams(p));
  const { table, mult, shift } = emitRequantOperands(ctx, p.multipliers, p.shifts, p.o);
  ctx.line(`eg_qdepthwise3x3_i8_dsp_tab(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${table}, ${mult}, ${shift}, ${bias}, ${wide}, ${pad});`);
}

/** The ops of this file, for the plugin's op list. No scratch: every operand is in flash. */
export const DEPTHWISE3X3_DSP_OPS: readonly OpDef[] = [
  { ...pixelOp, emitC: emitBand, bandOp: NAME },
  { ...base, name: NAME, emitC: emitBand },
];
