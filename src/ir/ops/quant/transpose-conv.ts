import { fail } from "../../../errors.js";
import { attrInts } from "../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt, mbqm, mbqm64, quantizeMultiplier } from "./fixed-point.js";
import {
  readActRange, readQParams, readWeightScales, requireQ, requireWeights, requireZeroPoint0, type QDType,
} from "./qparams.js";

/**
 * QTransposeConv2D (NHWC, weights OHWI, per-channel or per-tensor int8 weights): TFLite's
 * reference_integer_ops::TransposeConv as TFLite Micro runs it. Every input element is scattered
 * through the filter into a zeroed scratch accumulator of the output's size (int32 for int8
 * activations, int64 for 16x8), then each accumulator gets the bias and is requantized per output
 * channel. The output size is an attribute: TFLite takes it from an input tensor that TFLite Micro
 * ignores (the output tensor's declared shape wins), and a transposed convolution's output size is
 * not determined by its input size alone.
 * int8: int32 bias, input zero point subtracted, output zero point added, int32 wrap-around.
 * int16: zero points 0, int64 bias (or none), the int64 MultiplyByQuantizedMultiplier.
 * Kernels: runtime-c/kernels/qtconv_i8.c.
 */

export interface TransposeConvPlan {
  readonly dtype: QDType;
  /** N, H, W, C of the input; OH, OW, O of the output; KH, KW of the filter. */
  readonly n: number; readonly h: number; readonly w: number; readonly c: number;
  readonly oh: number; readonly ow: number; readonly o: number;
  readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number;
  readonly padTop: number; readonly padLeft: number;
  readonly xOffset: number; readonly yOffset: number;
  readonly actMin: number; readonly actMax: number;
  readonly hasBias: boolean;
  readonly multipliers: number[];
  readonly shifts: number[];
}

function ints(node: Node, attr: string, count: number, min: number, dflt?: number[]): number[] {
  const v = dflt === undefined ? attrInts(node, attr) : attrInts(node, attr, dflt);
  if (v.length !== count || v.some((d) => !Number.isInteger(d) || d < min)) {
    fail("bad-attribute", nodeLabel(node), `attribute "${attr}" must be ${count} integers >= ${min}, got [${v.join(",")}]`);
  }
  return v;
}

export function planTransposeConv(node: Node, [x, wt, b]: readonly (ValueInfo | undefined)[]): TransposeConvPlan {
  const dtype = requireQ(node, x, "input");
  const xi = x!;
  if (xi.shape.length !== 4) fail("bad-shape", nodeLabel(node), `the input must be NHWC (rank 4), got [${xi.shape.join(",")}]`);
  const wi = requireWeights(node, wt, 4);
  const [n, h, w, c] = xi.shape as [number, number, number, number];
  const [o, kh, kw, wc] = wi.shape as [number, number, number, number];
  if (wc !== c) fail("bad-shape", nodeLabel(node), `weights [${wi.shape.join(",")}] must be [O, KH, KW, ${c}] (OHWI, input channels last)`);
  const [sh, sw] = ints(node, "strides", 2, 1, [1, 1]) as [number, number];
  const [padTop, padLeft] = ints(node, "pads", 2, 0, [0, 0]) as [number, number];
  const [on, oh, ow, oc] = ints(node, "output_shape", 4, 1) as [number, number, number, number];
  if (on !== n || oc !== o) {
    fail("bad-attribute", nodeLabel(node), `attribute "output_shape" [${on},${oh},${ow},${oc}] must have the input's batch ${n} and the weights' ${o} output channels`);
  }
  if (b) {
    const want = dtype === "int8" ? "int32" : "int64";
    if (b.dtype !== want) fail("unsupported-dtype", nodeLabel(node), `the bias must be ${want} with ${dtype} activations (TFLite Micro's TransposeConv), got ${b.dtype}`);
    if (b.shape.reduce((a, d) => a * d, 1) !== o) fail("bad-shape", nodeLabel(node), `the bias must have ${o} elements (output channels), got [${b.shape.join(",")}]`);
  }
  const xq = readQParams(node, "x", dtype);
  const yq = readQParams(node, "y", dtype);
  if (dtype === "int16") { requireZeroPoint0(node, xq, "x"); requireZeroPoint0(node, yq, "y"); }
  const act = readActRange(node, dtype);
  // PopulateConvolutionQuantizationParams: double(input_scale) * double(filter_scale) / double(output_scale).
  const qm = readWeightScales(node, o).map((ws) => quantizeMultiplier((xq.scale * ws) / yq.scale));
  return {
    dtype, n, h, w, c, oh, ow, o, kh, kw, sh, sw, padTop, padLeft,
    xOffset: -xq.zeroPoint, yOffset: yq.zeroPoint, actMin: act.min, actMax: act.max, hasBias: b !== undefined,
    multipliers: qm.map((q) => q.multiplier), shifts: qm.map((q) => q.shift),
  };
}

/** The scatter pass: products of every input element with every filter tap that lands inside the output. */
function scatter(p: TransposeConvPlan, xd: ArrayLike<number>, wd: ArrayLike<number>, acc: Int32Array | Float64Array): void {
  const wrap = acc instanceof Int32Array; // int8: int32 accumulators wrap like the C's
  for (let b = 0; b < p.n; b++) for (let iy = 0; iy < p.h; iy++) for (let ix = 0; ix < p.w; ix++) {
    const y0 = iy * p.sh - p.padTop;
    const x0 = ix * p.sw - p.padLeft;
    for (let ic = 0; ic < p.c; ic++) {
      const v = xd[((b * p.h + iy) * p.w + ix) * p.c + ic]! + p.xOffset;
      for (let ky = 0; ky < p.kh; ky++) {
        const oy = y0 + ky;
        if (oy < 0 || oy >= p.oh) continue;
        for (let kx = 0; kx < p.kw; kx++) {
          const ox = x0 + kx;
          if (ox < 0 || ox >= p.ow) continue;
          const outBase = ((b * p.oh + oy) * p.ow + ox) * p.o;
          for (let oc = 0; oc < p.o; oc++) {
            const prod = v * wd[((oc * p.kh + ky) * p.kw + kx) * p.c + ic]!;
            // int16: |products| < 2^23, so float64 sums stay exact far beyond any real model.
            acc[outBase + oc] = wrap ? (acc[outBase + oc]! + prod) | 0 : acc[outBase + oc]! + prod;
          }
        }
      }
    }
  }
}

export function evaluateTransposeConv(p: TransposeConvPlan, x: Tensor, w: Tensor, bias: Tensor | undefined): Tensor {
  const count = p.n * p.oh * p.ow * p.o;
  const acc = p.dtype === "int8" ? new Int32Array(count) : new Float64Array(count);
  scatter(p, x.data as Int8Array | Int16Array, w.data as Int8Array, acc);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const oc = i % p.o;
    let scaled: number;
    if (p.dtype === "int8") {
      const withBias = p.hasBias ? (acc[i]! + (bias!.data as Int32Array)[oc]!) | 0 : acc[i]!;
      scaled = mbqm(withBias, p.multipliers[oc]!, p.shifts[oc]!) + p.yOffset;
    } else {
      const withBias = BigInt(acc[i]!) + (p.hasBias ? (bias!.data as BigInt64Array)[oc]! : 0n);
      scaled = mbqm64(withBias, p.multipliers[oc]!, p.shifts[oc]!);
    }
    out[i] = clampInt(scaled, p.actMin, p.actMax);
  }
  return Tensor.fromNumbers(p.dtype, [p.n, p.oh, p.ow, p.o], out);
}

const inputInfos = (node: Node, info: (name: string) => ValueInfo) => node.inputs.map((t) => (t === "" ? undefined : info(t)));

const QTransposeConv2D: OpDef = {
  name: "QTransposeConv2D",
  family: "quant",
  dataTypes: "int8, int16 (16x8)",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = planTransposeConv(node, inputs);
    return [{ dtype: p.dtype, shape: [p.n, p.oh, p.ow, p.o] }];
  },
  evaluate(node, [x, w, b]) {
    return [evaluateTransposeConv(planTransposeConv(node, [x, w, b]), x!, w!, b)];
  },
  scratchBytes(node, inputs) {
    const p = planTransposeConv(node, inputs);
    return p.n * p.oh * p.ow * p.o * (p.dtype === "int8" ? 4 : 8);
  },
  emitC(node, ctx) {
    const p = planTransposeConv(node, inputInfos(node, (t) => ctx.info(t)));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qtconv_i8");
    const params = ctx.constArray("int32_t", [
      p.n, p.h, p.w, p.c, p.oh, p.ow, p.o, p.kh, p.kw, p.sh, p.sw, p.padTop, p.padLeft,
      p.xOffset, p.yOffset, p.actMin, p.actMax,
    ]);
    const mult = ctx.constArray("int32_t", p.multipliers);
    const shift = ctx.constArray("int32_t", p.shifts);
    const fn = p.dtype === "int8" ? "eg_qtransposeconv_i8" : "eg_qtransposeconv_i16";
    const [x, w, b] = node.inputs;
    ctx.line(`${fn}(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.scratch()}, ${params}, ${mult}, ${shift});`);
  },
  macs(node, inputs) {
    const p = planTransposeConv(node, inputs);
    return p.n * p.h * p.w * p.c * p.kh * p.kw * p.o;
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_TRANSPOSE_CONV_OPS: readonly OpDef[] = [QTransposeConv2D];
