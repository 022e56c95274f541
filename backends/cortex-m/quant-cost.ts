import type { Node, ValueInfo } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";
import { numel } from "../../src/ir/shape.js";
import { depthwiseRowsCycles } from "./depthwise-rows-cost.js";
import { withCyclePrices } from "../../costmodels/cycle-prices.js";
import type { CostModel } from "../../costmodels/types.js";
import { WIDE_MIN_PIXELS } from "./ops/conv-dsp-wide.js";
import { pixel3x3PatchedPixels } from "./ops/conv-dsp-pixel3.js";
import { pixelPath } from "./ops/conv-dsp-pixel-path.js";
import { planConv } from "../../src/ir/ops/quant/conv.js";

/**
 * Cortex-M4 prices of the int8 MAC kernels: the generic ones (runtime-c/kernels/qconv_i8.c) and
 * the Armv7E-M DSP ones (q*_dsp.c) that rules/targets/cortex-m.rules offers as alternatives.
 * Both sides must be priced by the same model, or extraction cannot compare them (the table
 * model prices "quant"-family ops by bytes moved, the same for a generic op and its DSP twin).
 *
 * Cycles (~ instructions: the M4 issues about one per cycle on this code) fitted to per-kernel
 * instruction counts measured under QEMU (-icount shift=0, arm-none-eabi-gcc -O2, Cortex-M4) on
 * the KWS, IC ResNet-8 and person_detect layers; the fits are within ~25% per layer.
 * - generic conv: ~7.5 per MAC (LDRSB x2, offset add, MLA, loop) plus ~24 per kernel tap (bounds
 *   tests and index math, paid once per tap for all of its input channels); depthwise pays
 *   everything per MAC (~32). FC ~6 per MAC.
 * - per output: ~50 generic (eg_q_mul with its 64-bit divide, clamp, store); ~40 DSP (the
 *   one-rounding eg_qdsp_rq_fast, plus the 2x2 block's setup and epilogue, shared by 4 outputs).
 * - DSP GEMM on int8 weights (layers of < WIDE_MIN_PIXELS output pixels): ~1.1 per MAC;
 *   widening ~3 per operand element (1x1, FC), im2col ~10 (tap logic, staging when C % 4 != 0).
 * - DSP GEMM on widened weights (>= WIDE_MIN_PIXELS pixels, qconv_i8_dsp_w16.c and the block path
 *   of qconv_i8_dsp_blk.c): 26 instructions per 32 MACs (0.81), ~18 per output (the 2x2 block's
 *   requantization, pack, clamp, stores and loop: ~72 per 4 outputs); 1x1: ~2.5 per widened input
 *   element plus ~20 per pixel; im2col with C % 4 == 0: ~4 per column element plus ~100 per
 *   pixel (fill_column's call and index arithmetic, so a 1x1 layer prices above its own path); C % 4 != 0
 *   (qconv_i8_dsp_rows.c, K rounded up to 4 in the GEMM): ~14 per column element plus ~100 per
 *   pixel (row gathering, the widening and GEMM calls). Fitted (session 28) on kws conv0 and 1x1,
 *   person_detect 1x1 K = 8/32, IC conv0/conv1: within 15 % per layer.
 * - Pixel-major 1x1 with C = 8 / 16 (ops/conv-dsp-pixel.ts, qconv_i8_dsp_px.c): per output
 *   3 + C (LDMs, C / 2 SMLADs, SMMLAR, ASR, SSAT, STRB, the loop test per 2 channels), 1 more with
 *   the sign term (no fused ReLU); per pixel 2 + 1.375 * C (widening, pointers). Measured (session
 *   29): person_detect Conv2d_1_pointwise (C = 8, fused) 189.4 per pixel for 16 outputs,
 *   Conv2d_2_pointwise (C = 16, fused) 632 for 32, IC conv2d_5 (C = 16, signed, stride 2) 665 for 32.
 * - Pixel-major 3x3 with C = 1 (ops/conv-dsp-pixel3.ts, qconv_i8_dsp_px3.c): 11 per output (12
 *   signed) plus the loop test (2 per 4 channels, per 2 when O % 4 != 0), 15 per pixel (5 pairs
 *   built, stepping), 160 more per pixel read through the zero-point patch, 54 per output row,
 *   300 per call: fitted (session 30) on person_detect Conv2d_0 (3x3 s2 SAME, 8 outputs: 264,540)
 *   and five constructed layers (s1/s2, SAME/VALID, O = 6..16, fused and signed) within 2 %.
 * - Pixel-major 3x3 with C = 3 (ops/conv-dsp-pixel3c3.ts, qconv_i8_dsp_px3c3.c): 36 per output in
 *   three row passes (10 + 11 + 15, 1 more signed), ~125 per pixel (widening three rows, the
 *   passes' set-up, the padded border's patch averaged in): fitted on IC conv2d (32x32, 16 outputs,
 *   fused: 700.8 per pixel, session 29). A clamp SSAT alone does not give runs the C passes,
 *   priced ~20 more per output (gcc's loops: the sum and weights reloaded per SMLAD group).
 * - DSP depthwise 3x3: ~2 per MAC plus ~30 per output pixel (tap pointers).
 * - DSP depthwise, any shape: ~3 per MAC (per tap and 4 channels: 2 word loads, 2 SXTAB16,
 *   2 SXTB16, 4 halfword MACs, pointer steps) plus ~40 per output pixel (window clipping).
 * - DSP FC: ~1.35 per MAC (packed weights, two LDRDs and one x word per 4 channels: 21
 *   instructions per 16 MACs plus the per-4-channel call), no widening pass.
 * - Depthwise on channel-planar rows (QDepthwiseConv2DRowsDsp): depthwise-rows-cost.ts.
 */
export const CORTEX_M4_QUANT_CYCLES = {
  call: 60,
  genericPerOutput: 50,
  dspPerOutput: 40,
  genericConvPerMac: 7.5,
  genericConvPerTap: 24,
  genericDepthwisePerMac: 32,
  genericFcPerMac: 6,
  dspGemmPerMac: 1.1,
  dspWidenPerElement: 3,
  dspFcPerMac: 1.35,
  dspDepthwiseGeneralPerMac: 3,
  dspDepthwiseGeneralPerPixel: 40,
  dspIm2colPerElement: 10,
  // QDepthwiseConv2D3x3Dsp (eg_qdepthwise3x3_i8_2a): per pixel, per grouped output and per call of
  // its pixel loop (the run of a row's interior columns, or one pixel of the other columns:
  // depthwise3x3Runs), fitted to person_detect's seven shapes (8-256 channels, strides 1,
  // 2) within 0.25 %; +8 a group without the fused requantization (4 SUBs, the lower clamp, a
  // reload: from the disassembly) and the C loop past the last group (from the code, not measured
  // on a model).
  dspDepthwise3x3PerPixel: 37.57,
  dspDepthwise3x3PerRun: 259.32,
  dspDepthwise3x3PerOutput: 26.39,
  dspDepthwise3x3ExactPerOutput: 2,
  dspDepthwise3x3PerTailOutput: 60,
  pixelPerOutput: 3,
  pixelPerOutputPerInput: 1,
  pixelSignedPerOutput: 1,
  pixelPerPixel: 2,
  pixelPerPixelPerInput: 1.375,
  pixel3x3PerOutput: 11,
  pixel3x3PerLoopTest: 2,
  pixel3x3PerPixel: 15,
  pixel3x3PerPatchedPixel: 160,
  pixel3x3PerRow: 54,
  pixel3x3PerCall: 300,
  pixel3x3c3PerOutput: 36,
  pixel3x3c3PerPixel: 125,
  pixel3x3c3PortablePerOutput: 20,
  wideGemmPerMac: 0.81,
  widePerOutput: 18,
  wideWidenPerElement: 2.5,
  wideWidenPerPixel: 20,
  wideIm2colPerElement: 4,
  wideIm2colPerPixel: 100,
  rowsPerElement: 14,
  rowsPerPixel: 100,
  // Per-call setup in scratch, per output channel (from the loop bodies, not fitted): the
  // requantization table (eg_qdsp_requant_prepare, ~18). Small once per layer; a patch chain pays
  // it per band. (The 3x3 depthwise has its tables in flash: no setup.)
  dspTablePerChannel: 18,
} as const;

const QUANT_MAC_OPS: ReadonlySet<string> = new Set([
  "QConv2D", "QDepthwiseConv2D", "QFullyConnected", "QConv2DDsp", "QConv2D1x1Dsp", "QDepthwiseConv2D3x3Dsp", "QDepthwiseConv2DDsp", "QFullyConnectedDsp", "QDepthwiseConv2DRowsDsp",
  "QConv2DDspBand", "QConv2D1x1DspBand", "QDepthwiseConv2DDspBand", "QDepthwiseConv2D3x3DspBand",
]);

/** Band forms (ops/*-band.ts): their base op's kernel with its tables in flash (no per-call setup). */
const BAND_BASE: Readonly<Record<string, string>> = {
  QConv2DDspBand: "QConv2DDsp",
  QConv2D1x1DspBand: "QConv2D1x1Dsp",
  QDepthwiseConv2DDspBand: "QDepthwiseConv2DDsp",
  QDepthwiseConv2D3x3DspBand: "QDepthwiseConv2D3x3Dsp",
};

/** Cycles per output channel of the setup an op does in scratch on every call. */
function setupPerChannel(op: string): number {
  const c = CORTEX_M4_QUANT_CYCLES;
  if (op === "QConv2DDsp" || op === "QConv2D1x1Dsp") return c.dspTablePerChannel;
  return 0;
}

/**
 * The widened-weight convolutions (emitted for >= WIDE_MIN_PIXELS output pixels, conv-dsp-wide.ts):
 * GEMM, per-output block cost and the column work of the 1x1 path, the im2col (C % 4 == 0) or
 * the row-gathering kernel (C % 4 != 0, whose GEMM runs K rounded up to 4).
 */
function wideConvCycles(op: string, macs: number, outputsN: number, pixels: number, taps: number, depth: number): number {
  const c = CORTEX_M4_QUANT_CYCLES;
  const perOutput = outputsN * c.widePerOutput;
  if (op === "QConv2D1x1Dsp") return macs * c.wideGemmPerMac + perOutput + pixels * (depth * c.wideWidenPerElement + c.wideWidenPerPixel);
  const k = taps * depth;
  if (depth % 4 === 0) return macs * c.wideGemmPerMac + perOutput + pixels * (k * c.wideIm2colPerElement + c.wideIm2colPerPixel);
  const k4 = (k + 3) & ~3;
  return (macs * k4 / k) * c.wideGemmPerMac + perOutput + pixels * (k4 * c.rowsPerElement + c.rowsPerPixel);
}

/**
 * The cycles of eg_qconv2d_1x1_i8_px (QConv2D1x1Dsp) or eg_qconv2d_3x3c1_i8_px / _3x3c3_ (QConv2DDsp) when
 * the op emits it (pixelPath of conv-dsp-pixel-path.ts, shape and clamp alone: the predicate the
 * op's scratch and emission use; the weight bounds checked at emission hold for any trained
 * layer), else undefined.
 */
function pixelKernelCycles(op: string, node: Node, inputs: readonly (ValueInfo | undefined)[], pixels: number): number | undefined {
  const c = CORTEX_M4_QUANT_CYCLES;
  let p: ReturnType<typeof planConv>;
  try {
    p = planConv(node, inputs, false);
  } catch {
    return undefined; // not a plannable convolution: priced by the other paths
  }
  const signed = p.actMin < p.yOffset ? c.pixelSignedPerOutput : 0;
  const kind = pixelPath(op, p)?.kind;
  if (kind === "px") {
    return pixels * (c.pixelPerPixel + p.c * c.pixelPerPixelPerInput + p.o * (c.pixelPerOutput + p.c * c.pixelPerOutputPerInput + signed));
  }
  if (kind === "px3") {
    const perOutput = c.pixel3x3PerOutput + signed + c.pixel3x3PerLoopTest / (p.o % 4 === 0 ? 4 : 2);
    return pixels * (c.pixel3x3PerPixel + p.o * perOutput) + p.n * (pixel3x3PatchedPixels(p) * c.pixel3x3PerPatchedPixel + p.oh * c.pixel3x3PerRow) + c.pixel3x3PerCall;
  }
  if (kind === "px3c3") {
    const portable = p.actMin === -128 && p.actMax === 127 ? 0 : c.pixel3x3c3PortablePerOutput;
    return pixels * (c.pixel3x3c3PerPixel + p.o * (c.pixel3x3c3PerOutput + signed + portable));
  }
  return undefined;
}

/** Cycles of one int8/int16 MAC kernel call, or undefined for any other op. */
export function quantMacCycles(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[], ops: OpRegistry): number | undefined {
  if (!QUANT_MAC_OPS.has(node.op)) return undefined;
  const c = CORTEX_M4_QUANT_CYCLES;
  let macs: number;
  try {
    macs = ops.get(node.op)?.macs?.(node, inputs, outputs) ?? 0;
  } catch {
    return undefined; // an invalid node: let the table model price it
  }
  const out = outputs[0];
  const w = inputs[1];
  if (out === undefined || w === undefined) return undefined;
  const outputsN = numel(out.shape);
  const op = BAND_BASE[node.op] ?? node.op;
  const setup = BAND_BASE[node.op] === undefined ? setupPerChannel(op) * out.shape[out.shape.length - 1]! : 0;
  const base = c.call + setup + outputsN * (op.endsWith("Dsp") ? c.dspPerOutput : c.genericPerOutput);
  const kernelTaps = w.shape.length === 4 ? w.shape[1]! * w.shape[2]! : 1;
  const depth = w.shape[w.shape.length - 1]!;
  switch (op) {
    case "QConv2D":
      return base + macs * c.genericConvPerMac + (macs / Math.max(1, depth)) * c.genericConvPerTap;
    case "QDepthwiseConv2D":
      return base + macs * c.genericDepthwisePerMac;
    case "QFullyConnected":
      return base + macs * c.genericFcPerMac;
    case "QConv2DDsp":
    case "QConv2D1x1Dsp": {
      const pixels = outputsN / Math.max(1, out.shape[out.shape.length - 1]!);
      const pixelMajor = BAND_BASE[node.op] === undefined ? pixelKernelCycles(op, node, inputs, pixels) : undefined;
      if (pixelMajor !== undefined) return c.call + pixelMajor;
      // Widened weights come with the requantization table in flash (no setup); band forms keep int8 weights.
      if (pixels >= WIDE_MIN_PIXELS && BAND_BASE[node.op] === undefined) return c.call + wideConvCycles(op, macs, outputsN, pixels, kernelTaps, depth);
      const column = op === "QConv2D1x1Dsp" ? depth * c.dspWidenPerElement : kernelTaps * depth * c.dspIm2colPerElement;
      return base + macs * c.dspGemmPerMac + pixels * column;
    }
    case "QDepthwiseConv2D3x3Dsp": {
      const channels = Math.max(1, out.shape[out.shape.length - 1]!);
      const pixels = outputsN / channels;
      const grouped = channels & ~3;
      const perOutput = c.dspDepthwise3x3PerOutput + (fusedRelu(node, inputs) ? 0 : c.dspDepthwise3x3ExactPerOutput);
      const perPixel = c.dspDepthwise3x3PerPixel + grouped * perOutput + (channels - grouped) * c.dspDepthwise3x3PerTailOutput;
      return c.call + pixels * perPixel + depthwise3x3Runs(node, inputs, pixels) * c.dspDepthwise3x3PerRun;
    }
    case "QDepthwiseConv2DDsp": {
      const pixels = outputsN / Math.max(1, out.shape[out.shape.length - 1]!);
      return base + macs * c.dspDepthwiseGeneralPerMac + pixels * c.dspDepthwiseGeneralPerPixel;
    }
    case "QFullyConnectedDsp":
      return base + macs * c.dspFcPerMac;
    case "QDepthwiseConv2DRowsDsp": {
      // A shape the ring kernel does not fit (or rows it runs slowly) takes the general kernel
      // without scratch: priced at twice the generic depthwise so extraction never picks it.
      const rows = depthwiseRowsCycles(node, inputs);
      return c.call + (rows ?? 2 * macs * c.genericDepthwisePerMac);
    }
    default:
      return undefined;
  }
}

/**
 * The calls of eg_qdepthwise3x3_i8_2a's pixel loop: per output row, one for the run of columns whose
 * 3 tap columns are inside the input (its taps in a padded tap row stay on the pad) and one per
 * other column. Every pixel (`pixels`) when the shapes do not plan.
 */
function depthwise3x3Runs(node: Node, inputs: readonly (ValueInfo | undefined)[], pixels: number): number {
  let p;
  try {
    p = planConv(node, inputs, true);
  } catch {
    return pixels;
  }
  let cols = 0;
  for (let ox = 0; ox < p.ow; ox++) {
    const x0 = ox * p.sw - p.padLeft;
    if (x0 >= 0 && x0 + 2 * p.dw < p.w) cols++;
  }
  return p.n * p.oh * (cols > 0 ? p.ow - cols + 1 : p.ow);
}

/** Output zero point and act_min both -128 (eg_qdepthwise3x3_i8_2a's fused requantization). */
function fusedRelu(node: Node, inputs: readonly (ValueInfo | undefined)[]): boolean {
  try {
    const p = planConv(node, inputs, true);
    return p.yOffset === -128 && p.actMin === -128;
  } catch {
    return false;
  }
}

/**
 * The hook for cost-model.ts: the given model with the int8 MAC kernels priced by
 * `quantMacCycles` (its other factors kept), every other op unchanged.
 */
export function withQuantKernelPrices(model: CostModel): CostModel {
  return withCyclePrices(model, quantMacCycles);
}
