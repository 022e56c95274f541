import { fail } from "../../../errors.js";
import { attrFloats, attrInt, checkOneOf } from "../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt, f32, mbqm, mbqm64, quantizeMultiplier } from "./fixed-point.js";
import {
  readActRange, readQParams, readWeightScales, requireBias, requireQ, requireWeights, requireZeroPoint0,
  type QDType,
} from "./qparams.js";

/**
 * QFullyConnected: y[..., o] = requant(sum_k w[o, k] * (x[..., k] - x_zp) + b[o]), TFLite's
 * reference_integer_ops FullyConnected (int8, and int16 activations with int64 bias).
 * TFLite Micro derives a per-tensor multiplier from the float32 product x_scale * w_scale (then
 * promoted), a per-channel one from the doubles; both are reproduced here.
 */

export interface FcPlan {
  readonly dtype: QDType;
  readonly rows: number;
  readonly k: number;
  readonly o: number;
  readonly outShape: number[];
  readonly xOffset: number;
  readonly yOffset: number;
  readonly actMin: number;
  readonly actMax: number;
  readonly biasKind: number;
  readonly perChannel: boolean;
  readonly multipliers: number[];
  readonly shifts: number[];
}

export function planFc(node: Node, [x, wt, b]: readonly (ValueInfo | undefined)[]): FcPlan {
  const dtype = requireQ(node, x, "input");
  const xi = x!;
  const wi = requireWeights(node, wt, 2);
  const [o, k] = wi.shape as [number, number];
  const total = xi.shape.reduce((a, d) => a * d, 1);
  if (xi.shape.length === 0 || total % k !== 0) {
    fail("bad-shape", nodeLabel(node), `the input [${xi.shape.join(",")}] cannot be read as rows of K = ${k} (weights [${wi.shape.join(",")}])`);
  }
  const keep = checkOneOf(node, "keep_num_dims", attrInt(node, "keep_num_dims", 0), [0, 1]) === 1;
  if (keep && xi.shape[xi.shape.length - 1] !== k) {
    fail("bad-shape", nodeLabel(node), `keep_num_dims = 1 needs the input's last axis to be K = ${k}, got [${xi.shape.join(",")}]`);
  }
  const rows = total / k;
  const bias = requireBias(node, b, dtype, o);
  const xq = readQParams(node, "x", dtype);
  const yq = readQParams(node, "y", dtype);
  if (dtype === "int16") { requireZeroPoint0(node, xq, "x"); requireZeroPoint0(node, yq, "y"); }
  const act = readActRange(node, dtype);
  const wScales = readWeightScales(node, o);
  // TFLite Micro switches on the number of weight scales, not on their values.
  const perChannel = attrFloats(node, "w_scale").length > 1;
  const qm = perChannel
    ? wScales.map((ws) => quantizeMultiplier((xq.scale * ws) / yq.scale))
    : [quantizeMultiplier(f32(xq.scale * wScales[0]!) / yq.scale)];
  return {
    dtype, rows, k, o, outShape: keep ? [...xi.shape.slice(0, -1), o] : [rows, o],
    xOffset: -xq.zeroPoint, yOffset: yq.zeroPoint, actMin: act.min, actMax: act.max,
    biasKind: !bias ? 0 : bias.dtype === "int64" ? 2 : 1, perChannel,
    multipliers: qm.map((q) => q.multiplier), shifts: qm.map((q) => q.shift),
  };
}

function evaluateFc(p: FcPlan, x: Tensor, w: Tensor, bias: Tensor | undefined): Tensor {
  const xd = x.data as Int8Array | Int16Array;
  const wd = w.data as Int8Array;
  const out = new Float64Array(p.rows * p.o);
  for (let r = 0; r < p.rows; r++) {
    for (let o = 0; o < p.o; o++) {
      let acc = 0;
      for (let k = 0; k < p.k; k++) acc += wd[o * p.k + k]! * (xd[r * p.k + k]! + p.xOffset);
      const ch = p.perChannel ? o : 0;
      let scaled: number;
      if (p.biasKind === 2 || (p.dtype === "int16" && p.biasKind === 0)) {
        const b64 = p.biasKind === 2 ? (bias!.data as BigInt64Array)[o]! : 0n;
        scaled = mbqm64(BigInt(acc) + b64, p.multipliers[ch]!, p.shifts[ch]!);
      } else {
        const withBias = p.biasKind === 1 ? (acc + (bias!.data[o] as number)) | 0 : acc | 0;
        scaled = mbqm(withBias, p.multipliers[ch]!, p.shifts[ch]!);
      }
      out[r * p.o + o] = clampInt(scaled + p.yOffset, p.actMin, p.actMax);
    }
  }
  return Tensor.fromNumbers(p.dtype, p.outShape, out);
}

export const QFullyConnected: OpDef = {
  name: "QFullyConnected",
  family: "quant",
  dataTypes: "int8, int16 (16x8)",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = planFc(node, inputs);
    return [{ dtype: p.dtype, shape: p.outShape }];
  },
  evaluate(node, [x, w, b]) {
    return [evaluateFc(planFc(node, [x, w, b]), x!, w!, b)];
  },
  emitC(node, ctx) {
    const p = planFc(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qconv_i8");
    const params = ctx.constArray("int32_t", [p.rows, p.k, p.o, p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind, p.perChannel ? 1 : 0]);
    const mult = ctx.constArray("int32_t", p.multipliers);
    const shift = ctx.constArray("int32_t", p.shifts);
    const [x, w, b] = node.inputs;
    ctx.line(`eg_qfc_${p.dtype === "int8" ? "i8" : "i16"}(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${mult}, ${shift});`);
  },
  macs(node, inputs) {
    const p = planFc(node, inputs);
    return p.rows * p.o * p.k;
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_FULLY_CONNECTED_OPS: readonly OpDef[] = [QFullyConnected];
