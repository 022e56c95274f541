import { fail } from "../../../errors.js";
import { attrInt, attrString } from "../../attrs.js";
import { DTYPES } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { EmitCtx } from "../../emit-ctx.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt, f32, mbqm, quantizeMultiplier } from "./fixed-point.js";
import { readTo } from "./convert.js";
import { readQParams, readWeightScales, requireQ, type QDType } from "./qparams.js";
import { persistentState } from "./state.js";

/**
 * TFLite's integer SVDF (TFLite Micro's EvalIntegerSvdfReference) as two ops, because the op
 * writes its activation state (a variable tensor) and TFLite Micro's golden dumps show that state:
 *
 * - `QSvdfState` (x int8 [B, I], weights_feature int8 [F, I]) -> the new state [B, F*M] (int16, or
 *   int8 in 8-bit models): the old state shifted left by one, then column M-1 of every filter
 *   set to requant(w_feature . (x - x_zp)) + s_zp, saturated to the state type.
 * - `QSvdfOutput` (state, weights_time [F, M] of the state type, bias int32 [U]?) -> int8 [B, U]:
 *   per filter the dot product of its M memory cells (minus s_zp) with weights_time, summed over
 *   the `rank` filters of a unit plus the bias, requantized, clamped to int8. TFLite Micro applies
 *   no fused activation on this path (the output clamp is the full int8 range).
 *
 * State semantics: the TypeScript evaluator starts every evaluation from the reset state (TFLite's
 * ResetVariableTensor: the zero point for int8, 0 for int16), i.e. it computes the FIRST Invoke()
 * of a fresh interpreter. The generated C keeps the state in a zero-initialised file-scope buffer
 * that every `<prefix>_run` call updates, as TFLite Micro does between Invoke() calls: a second
 * call continues the stream. Attribute `state` (the TFLite variable tensor's name) identifies the
 * buffer and keeps two SVDF layers from ever being merged as equal expressions.
 */

export interface StatePlan {
  readonly dtype: QDType;
  readonly batch: number;
  readonly inputs: number;
  readonly filters: number;
  readonly memory: number;
  readonly xZeroPoint: number;
  readonly sZeroPoint: number;
  readonly multiplier: number;
  readonly shift: number;
  readonly stateId: string;
}

/** [B, K] of a 2-D tensor, failing with the tensor's role otherwise. */
function matrix(node: Node, info: ValueInfo | undefined, what: string): [number, number] {
  if (!info) fail("missing-tensor", nodeLabel(node), `the ${what} input is required`);
  if (info.shape.length !== 2) fail("bad-shape", nodeLabel(node), `the ${what} must be 2-D, got [${info.shape.join(",")}]`);
  return info.shape as unknown as [number, number];
}

export function planState(node: Node, [x, w]: readonly (ValueInfo | undefined)[]): StatePlan {
  requireQ(node, x, "input", ["int8"]);
  const [batch, inputs] = matrix(node, x, "input");
  if (w?.dtype !== "int8") fail("unsupported-dtype", nodeLabel(node), `weights_feature must be int8, got ${w?.dtype ?? "nothing"}`);
  const [filters, depth] = matrix(node, w, "weights_feature");
  if (depth !== inputs) fail("bad-shape", nodeLabel(node), `weights_feature [${filters},${depth}] does not match the input depth ${inputs}`);
  const memory = attrInt(node, "memory_size");
  if (!(Number.isInteger(memory) && memory >= 1)) fail("bad-attribute", nodeLabel(node), `attribute "memory_size" must be a positive integer, got ${memory}`);
  const dtype = readTo(node, "int16");
  const xq = readQParams(node, "x", "int8");
  const sq = readQParams(node, "s", dtype);
  const [wScale] = readWeightScales(node, 1);
  // TFLite Micro: static_cast<double>(input_scale * weights_feature_scale / state_scale) in float.
  const q = quantizeMultiplier(f32(f32(xq.scale * wScale!) / sq.scale));
  const stateId = attrString(node, "state", "");
  return { dtype, batch, inputs, filters, memory, xZeroPoint: xq.zeroPoint, sZeroPoint: sq.zeroPoint, multiplier: q.multiplier, shift: q.shift, stateId };
}

/** TFLite's ResetVariableTensor value: the zero point for int8 state, 0 otherwise. */
function resetValue(p: { dtype: QDType; sZeroPoint: number }): number {
  return p.dtype === "int8" ? p.sZeroPoint : 0;
}

/** One step of the state update on `state` (in place): shift left by one, write the newest column. */
function stepState(p: StatePlan, state: Int8Array | Int16Array, x: Int8Array, w: Int8Array): void {
  state.copyWithin(0, 1);
  const { min, max } = DTYPES[p.dtype];
  for (let b = 0; b < p.batch; b++) {
    for (let f = 0; f < p.filters; f++) {
      let dot = 0;
      for (let c = 0; c < p.inputs; c++) dot = (dot + w[f * p.inputs + c]! * (x[b * p.inputs + c]! - p.xZeroPoint)) | 0;
      const scaled = (mbqm(dot, p.multiplier, p.shift) + p.sZeroPoint) | 0;
      state[(b * p.filters + f) * p.memory + p.memory - 1] = clampInt(scaled, min, max);
    }
  }
}

/**
 * The arguments `x, weights_feature, state buffer, out, params` of the eg_qsvdf_state_* kernels
 * (runtime-c/kernels/qsvdf_i8.h), declaring the persistent state buffer; the DSP twin's kernel
 * takes the same ones.
 */
export function stateCallArgs(node: Node, ctx: EmitCtx, p: StatePlan): string {
  const buffer = persistentState(ctx, `svdf_${p.stateId || node.name}`, DTYPES[p.dtype].ctype, p.batch * p.filters * p.memory, resetValue(p), DTYPES[p.dtype].bytes);
  const params = ctx.constArray("int32_t", [p.batch, p.inputs, p.filters, p.memory, p.xZeroPoint, p.sZeroPoint, p.multiplier, p.shift]);
  return `${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.inputs[1]!)}, ${buffer}, ${ctx.ptr(node.outputs[0]!)}, ${params}`;
}

export const QSvdfState: OpDef = {
  name: "QSvdfState",
  family: "quant",
  dataTypes: "int8 in, int16 or int8 state",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = planState(node, inputs);
    return [{ dtype: p.dtype, shape: [p.batch, p.filters * p.memory] }];
  },
  evaluate(node, [x, w]) {
    const p = planState(node, [x, w]);
    const state = Tensor.fromNumbers(p.dtype, [p.batch, p.filters * p.memory], new Array<number>(p.batch * p.filters * p.memory).fill(resetValue(p)));
    stepState(p, state.data as Int8Array | Int16Array, x!.data as Int8Array, w!.data as Int8Array);
    return [state];
  },
  emitC(node, ctx) {
    const p = planState(node, node.inputs.map((t) => ctx.info(t)));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qsvdf_i8");
    const suffix = p.dtype === "int8" ? "i8" : "i16";
    ctx.line(`eg_qsvdf_state_${suffix}(${stateCallArgs(node, ctx, p)});`);
  },
  macs(node, inputs) {
    const p = planState(node, inputs);
    return p.batch * p.filters * p.inputs;
  },
};

export interface OutputPlan {
  readonly dtype: QDType;
  readonly batch: number;
  readonly filters: number;
  readonly memory: number;
  readonly rank: number;
  readonly units: number;
  readonly sZeroPoint: number;
  readonly yZeroPoint: number;
  readonly hasBias: boolean;
  readonly multiplier: number;
  readonly shift: number;
}

export function planOutput(node: Node, [s, wt, bias]: readonly (ValueInfo | undefined)[]): OutputPlan {
  const dtype = requireQ(node, s, "state");
  const [batch, cells] = matrix(node, s, "state");
  if (wt?.dtype !== dtype) fail("unsupported-dtype", nodeLabel(node), `weights_time must have the state's type ${dtype}, got ${wt?.dtype ?? "nothing"}`);
  const [filters, memory] = matrix(node, wt, "weights_time");
  if (filters * memory !== cells) fail("bad-shape", nodeLabel(node), `the state [${batch},${cells}] must hold filters x memory = ${filters} x ${memory} cells (weights_time [${filters},${memory}])`);
  const rank = attrInt(node, "rank");
  if (!(Number.isInteger(rank) && rank >= 1 && filters % rank === 0)) {
    fail("bad-attribute", nodeLabel(node), `attribute "rank" must be a positive divisor of the ${filters} filters, got ${rank}`);
  }
  const units = filters / rank;
  if (bias && (bias.dtype !== "int32" || bias.shape.reduce((a, b) => a * b, 1) !== units)) {
    fail("bad-shape", nodeLabel(node), `the bias must be int32 with ${units} elements (units), got ${bias.dtype}[${bias.shape.join(",")}]`);
  }
  const sq = readQParams(node, "s", dtype);
  const yq = readQParams(node, "y", "int8");
  const [wScale] = readWeightScales(node, 1);
  const q = quantizeMultiplier(f32(f32(sq.scale * wScale!) / yq.scale));
  return { dtype, batch, filters, memory, rank, units, sZeroPoint: sq.zeroPoint, yZeroPoint: yq.zeroPoint, hasBias: bias !== undefined, multiplier: q.multiplier, shift: q.shift };
}

function evaluateOutput(p: OutputPlan, state: Int8Array | Int16Array, wt: Int8Array | Int16Array, bias: Int32Array | undefined): Tensor {
  const out = new Float64Array(p.batch * p.units);
  for (let b = 0; b < p.batch; b++) {
    for (let u = 0; u < p.units; u++) {
      let acc = bias ? bias[u]! : 0;
      for (let r = 0; r < p.rank; r++) {
        const f = u * p.rank + r;
        let dot = 0;
        for (let j = 0; j < p.memory; j++) dot = (dot + wt[f * p.memory + j]! * (state[(b * p.filters + f) * p.memory + j]! - p.sZeroPoint)) | 0;
        acc = (acc + dot) | 0;
      }
      out[b * p.units + u] = clampInt((mbqm(acc, p.multiplier, p.shift) + p.yZeroPoint) | 0, -128, 127);
    }
  }
  return Tensor.fromNumbers("int8", [p.batch, p.units], out);
}

/** The arguments `state, weights_time, bias, y, params` of the eg_qsvdf_output_* kernels (and of the DSP twin's). */
export function outputCallArgs(node: Node, ctx: EmitCtx, p: OutputPlan): string {
  const params = ctx.constArray("int32_t", [p.batch, p.filters, p.memory, p.rank, p.sZeroPoint, p.yZeroPoint, p.multiplier, p.shift]);
  const [s, wt, b] = node.inputs;
  return `${ctx.ptr(s!)}, ${ctx.ptr(wt!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}`;
}

export const QSvdfOutput: OpDef = {
  name: "QSvdfOutput",
  family: "quant",
  dataTypes: "int16 or int8 state, int8 out",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = planOutput(node, inputs);
    return [{ dtype: "int8", shape: [p.batch, p.units] }];
  },
  evaluate(node, [s, wt, b]) {
    const p = planOutput(node, [s, wt, b]);
    return [evaluateOutput(p, s!.data as Int8Array | Int16Array, wt!.data as Int8Array | Int16Array, b?.data as Int32Array | undefined)];
  },
  emitC(node, ctx) {
    const p = planOutput(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qsvdf_i8");
    ctx.line(`eg_qsvdf_output_${p.dtype === "int8" ? "i8" : "i16"}(${outputCallArgs(node, ctx, p)});`);
  },
  macs(node, inputs) {
    const p = planOutput(node, inputs);
    return p.batch * p.filters * p.memory;
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_SVDF_OPS: readonly OpDef[] = [QSvdfState, QSvdfOutput];
