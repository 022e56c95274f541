import { fail } from "../../../errors.js";
import { attrInt, attrInts } from "../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt, mbqm, mbqm64, quantizeMultiplier } from "./fixed-point.js";
import { convInPlace } from "./in-place.js";
import {
  readActRange, readQParams, readWeightScales, requireBias, requireQ, requireWeights, requireZeroPoint0,
  type QDType,
} from "./qparams.js";

/**
 * QConv2D and QDepthwiseConv2D (NHWC, weights OHWI / 1HWC·M, per-channel or per-tensor int8
 * weights): TFLite's reference_integer_ops ConvPerChannel / DepthwiseConvPerChannel, int8 with
 * int32 bias and the 16x8 variant (int16 activations, int64 or int32 bias, no zero points).
 * Kernels: runtime-c/kernels/qconv_i8.c.
 */

export interface ConvPlan {
  readonly dtype: QDType;
  readonly depthwise: boolean;
  /** N, H, W, C of the input; OH, OW, O of the output. */
  readonly n: number; readonly h: number; readonly w: number; readonly c: number;
  readonly oh: number; readonly ow: number; readonly o: number;
  readonly kh: number; readonly kw: number;
  /** Input channels per group (conv) or depth multiplier (depthwise). */
  readonly cg: number;
  readonly sh: number; readonly sw: number; readonly dh: number; readonly dw: number;
  readonly padTop: number; readonly padLeft: number;
  readonly xOffset: number; readonly yOffset: number;
  readonly actMin: number; readonly actMax: number;
  /** 0 no bias, 1 int32, 2 int64. */
  readonly biasKind: number;
  readonly multipliers: number[];
  readonly shifts: number[];
}

function pair(node: Node, attr: string, dflt: number): [number, number] {
  const v = attrInts(node, attr, [dflt, dflt]);
  if (v.length !== 2 || v.some((d) => d < 1)) fail("bad-attribute", nodeLabel(node), `attribute "${attr}" must be two positive integers, got [${v.join(",")}]`);
  return [v[0]!, v[1]!];
}

export function planConv(node: Node, [x, wt, b]: readonly (ValueInfo | undefined)[], depthwise: boolean): ConvPlan {
  const dtype = requireQ(node, x, "input");
  const xi = x!;
  if (xi.shape.length !== 4) fail("bad-shape", nodeLabel(node), `the input must be NHWC (rank 4), got [${xi.shape.join(",")}]`);
  const wi = requireWeights(node, wt, 4);
  const [n, h, w, c] = xi.shape as [number, number, number, number];
  const [wo, kh, kw, wc] = wi.shape as [number, number, number, number];
  const [sh, sw] = pair(node, "strides", 1);
  const [dh, dw] = pair(node, "dilations", 1);
  const pads = attrInts(node, "pads", [0, 0, 0, 0]);
  if (pads.length !== 4 || pads.some((p) => p < 0)) fail("bad-attribute", nodeLabel(node), `attribute "pads" must be [top, left, bottom, right] >= 0, got [${pads.join(",")}]`);
  let o: number;
  let cg: number;
  if (depthwise) {
    cg = attrInt(node, "depth_multiplier", wc / c);
    if (wo !== 1 || cg < 1 || wc !== c * cg) {
      fail("bad-shape", nodeLabel(node), `depthwise weights must be [1, KH, KW, C*M] with C = ${c} and M = depth_multiplier, got [${wi.shape.join(",")}] (M = ${cg})`);
    }
    o = wc;
  } else {
    if (wc < 1 || c % wc !== 0 || wo % (c / wc) !== 0) {
      fail("bad-shape", nodeLabel(node), `weights [${wi.shape.join(",")}] do not fit input channels ${c}: the input channel count must be a multiple of the weights' last axis, and the groups must divide O`);
    }
    o = wo;
    cg = wc;
  }
  const oh = Math.floor((h + pads[0]! + pads[2]! - ((kh - 1) * dh + 1)) / sh) + 1;
  const ow = Math.floor((w + pads[1]! + pads[3]! - ((kw - 1) * dw + 1)) / sw) + 1;
  if (oh < 1 || ow < 1) fail("bad-shape", nodeLabel(node), `the kernel (${kh}x${kw}, dilations ${dh}x${dw}) does not fit the padded ${h}x${w} input`);
  const bias = requireBias(node, b, dtype, o);
  const xq = readQParams(node, "x", dtype);
  const yq = readQParams(node, "y", dtype);
  if (dtype === "int16") { requireZeroPoint0(node, xq, "x"); requireZeroPoint0(node, yq, "y"); }
  const act = readActRange(node, dtype);
  const qm = readWeightScales(node, o).map((ws) => quantizeMultiplier((xq.scale * ws) / yq.scale));
  return {
    dtype, depthwise, n, h, w, c, oh, ow, o, kh, kw, cg, sh, sw, dh, dw, padTop: pads[0]!, padLeft: pads[1]!,
    xOffset: -xq.zeroPoint, yOffset: yq.zeroPoint, actMin: act.min, actMax: act.max,
    biasKind: !bias ? 0 : bias.dtype === "int64" ? 2 : 1,
    multipliers: qm.map((q) => q.multiplier), shifts: qm.map((q) => q.shift),
  };
}

/** Scales one accumulator like the C: int32 MBQM, or the int64 form for 16x8 with int64 bias. */
function requantize(p: ConvPlan, acc: number, bias: Tensor | undefined, oc: number): number {
  let scaled: number;
  if (p.biasKind === 2) {
    scaled = mbqm64(BigInt(acc) + (bias!.data as BigInt64Array)[oc]!, p.multipliers[oc]!, p.shifts[oc]!);
  } else if (p.dtype === "int16" && p.biasKind === 0) {
    scaled = mbqm64(BigInt(acc), p.multipliers[oc]!, p.shifts[oc]!);
  } else {
    const withBias = p.biasKind === 1 ? (acc + (bias!.data[oc] as number)) | 0 : acc | 0;
    scaled = mbqm(withBias, p.multipliers[oc]!, p.shifts[oc]!);
  }
  return clampInt(scaled + p.yOffset, p.actMin, p.actMax);
}

function evaluateConv(p: ConvPlan, x: Tensor, w: Tensor, bias: Tensor | undefined): Tensor {
  const xd = x.data as Int8Array | Int16Array;
  const wd = w.data as Int8Array;
  const out = new Float64Array(p.n * p.oh * p.ow * p.o);
  const filtersPerGroup = p.depthwise ? 0 : p.o / (p.c / p.cg);
  let at = 0;
  for (let b = 0; b < p.n; b++) for (let oy = 0; oy < p.oh; oy++) for (let ox = 0; ox < p.ow; ox++) {
    const y0 = oy * p.sh - p.padTop;
    const x0 = ox * p.sw - p.padLeft;
    for (let oc = 0; oc < p.o; oc++) {
      const inBase = p.depthwise ? Math.floor(oc / p.cg) : Math.floor(oc / filtersPerGroup) * p.cg;
      const depth = p.depthwise ? 1 : p.cg;
      let acc = 0;
      for (let ky = 0; ky < p.kh; ky++) {
        const iy = y0 + ky * p.dh;
        if (iy < 0 || iy >= p.h) continue;
        for (let kx = 0; kx < p.kw; kx++) {
          const ix = x0 + kx * p.dw;
          if (ix < 0 || ix >= p.w) continue;
          const xBase = ((b * p.h + iy) * p.w + ix) * p.c + inBase;
          const wBase = p.depthwise ? (ky * p.kw + kx) * p.o + oc : ((oc * p.kh + ky) * p.kw + kx) * p.cg;
          for (let ic = 0; ic < depth; ic++) acc += wd[wBase + ic]! * (xd[xBase + ic]! + p.xOffset);
        }
      }
      out[at++] = requantize(p, acc, bias, oc);
    }
  }
  return Tensor.fromNumbers(p.dtype, [p.n, p.oh, p.ow, p.o], out);
}

function convOp(name: "QConv2D" | "QDepthwiseConv2D"): OpDef {
  const depthwise = name === "QDepthwiseConv2D";
  return {
    name,
    family: "quant",
    dataTypes: "int8, int16 (16x8)",
    inputs: { min: 2, max: 3 },
    outputs: { min: 1, max: 1 },
    infer(node, inputs) {
      const p = planConv(node, inputs, depthwise);
      return [{ dtype: p.dtype, shape: [p.n, p.oh, p.ow, p.o] }];
    },
    evaluate(node, [x, w, b]) {
      const p = planConv(node, [x, w, b], depthwise);
      return [evaluateConv(p, x!, w!, b)];
    },
    emitC(node, ctx) {
      const infos = node.inputs.map((t) => (t === "" ? undefined : ctx.info(t)));
      const p = planConv(node, infos, depthwise);
      ctx.useRuntime("qfixed_i8");
      ctx.useRuntime("qconv_i8");
      const params = ctx.constArray("int32_t", [
        p.n, p.h, p.w, p.c, p.oh, p.ow, p.o, p.kh, p.kw, p.cg, p.sh, p.sw, p.dh, p.dw, p.padTop, p.padLeft,
        p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind,
      ]);
      const mult = ctx.constArray("int32_t", p.multipliers);
      const shift = ctx.constArray("int32_t", p.shifts);
      const fn = `eg_q${depthwise ? "depthwise" : "conv2d"}_${p.dtype === "int8" ? "i8" : "i16"}`;
      const [x, w, b] = node.inputs;
      ctx.line(`${fn}(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${mult}, ${shift});`);
    },
    inPlace(node, inputs) {
      return convInPlace(planConv(node, inputs, depthwise));
    },
    macs(node, inputs) {
      const p = planConv(node, inputs, depthwise);
      return p.n * p.oh * p.ow * p.o * p.kh * p.kw * (depthwise ? 1 : p.cg);
    },
  };
}

/** The generic int8/int16 convolutions (a target may offer faster twins with the same semantics). */
export const QConv2D: OpDef = convOp("QConv2D");
export const QDepthwiseConv2D: OpDef = convOp("QDepthwiseConv2D");

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_CONV_OPS: readonly OpDef[] = [QConv2D, QDepthwiseConv2D];
