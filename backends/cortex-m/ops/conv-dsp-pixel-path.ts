import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { emitRecordKernel, pixelKernelFits, pixelRecords, type RecordBuilder } from "./conv-dsp-pixel.js";
import { pixel3x3Fits, pixel3x3Records } from "./conv-dsp-pixel3.js";
import { pixel3x3c3Fits, pixel3x3c3Records } from "./conv-dsp-pixel3c3.js";

/**
 * Which pixel-major record kernel (qconv_i8_dsp_px*.c) a DSP convolution runs, decided from its
 * shapes and clamp alone: conv-dsp.ts reserves no scratch for these layers and emits the kernel,
 * quant-cost.ts prices it, all three through pixelPath, so the arena and the price always describe
 * the kernel that runs. A layer on a path never falls back to the GEMM (whose scratch it did not
 * reserve): if its records cannot be built (weights not constant, or a channel outside
 * channelRequant's exactness bounds, which trained layers stay far inside) it runs the generic,
 * scratch-free eg_qconv2d_i8 instead.
 */
export interface PixelPath {
  /** The kernel, as the cost model names it. */
  readonly kind: "px" | "px3" | "px3c3";
  readonly unit: string;
  readonly fn: string;
  readonly records: RecordBuilder;
}

interface PathRule {
  readonly op: string;
  readonly fits: (p: ConvPlan) => boolean;
  readonly path: PixelPath;
}

const PATHS: readonly PathRule[] = [
  { op: "QConv2D1x1Dsp", fits: pixelKernelFits, path: { kind: "px", unit: "qconv_i8_dsp_px", fn: "eg_qconv2d_1x1_i8_px", records: pixelRecords } },
  { op: "QConv2DDsp", fits: pixel3x3Fits, path: { kind: "px3", unit: "qconv_i8_dsp_px3", fn: "eg_qconv2d_3x3c1_i8_px", records: pixel3x3Records } },
  { op: "QConv2DDsp", fits: pixel3x3c3Fits, path: { kind: "px3c3", unit: "qconv_i8_dsp_px3c3", fn: "eg_qconv2d_3x3c3_i8_px", records: pixel3x3c3Records } },
];

/** The pixel-major kernel op `op` runs for plan `p`, or undefined (it runs a GEMM). */
export function pixelPath(op: string, p: ConvPlan): PixelPath | undefined {
  return PATHS.find((rule) => rule.op === op && rule.fits(p))?.path;
}

/**
 * Emits `path`'s kernel on compile-time records, or, when they cannot be built, the generic
 * eg_qconv2d_i8 (same results, no scratch). `params` is the eg_qconv2d_i8 parameter array's C name.
 */
export function emitPixelPath(ctx: EmitCtx, inputs: readonly string[], output: string, p: ConvPlan, params: string, path: PixelPath): void {
  if (emitRecordKernel(ctx, inputs, output, p, params, path.unit, path.fn, path.records)) return;
  ctx.useRuntime("qconv_i8");
  const mult = ctx.constArray("int32_t", p.multipliers);
  const shift = ctx.constArray("int32_t", p.shifts);
  const [x, w, b] = inputs;
  ctx.line(`eg_qconv2d_i8(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(output)}, ${params}, ${mult}, ${shift});`);
}
