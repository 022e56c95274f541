import { fail } from "../../errors.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel } from "../shape.js";
import { Tensor } from "../tensor.js";
import { ArgMax, ArgMin } from "./argminmax.js";
import { FLOAT_ONLY_KINDS, REDUCE_DTYPES, reduceFnCode, reduceFnName, type ReduceKind } from "./reduce-c.js";
import { odometerOffsets, planReduce } from "./reduce-plan.js";

/**
 * Reduce* operators. `axes` is an attribute in the canonical form: ReduceSum takes it as input 1
 * from opset 13, the others from opset 18; the importer folds that constant input into the
 * attribute (`constInputs`). Empty axes reduce everything unless `noop_with_empty_axes` is set.
 */
/** Mirrors EG_MAX_RANK in runtime-c/egret.h (the kernels' odometer arrays). */
const EG_MAX_RANK = 8;

function checkInput(node: Node, kind: ReduceKind, x: ValueInfo): void {
  const floatOnly = FLOAT_ONLY_KINDS.includes(kind);
  // bool: ReduceMax is "any", ReduceMin "all" (opset 20).
  const boolOk = x.dtype === "bool" && (kind === "max" || kind === "min");
  const ok = boolOk || (REDUCE_DTYPES.includes(x.dtype) && (!floatOnly || DTYPES[x.dtype].isFloat));
  if (!ok) {
    const supported = floatOnly ? "float32 and float64" : `${REDUCE_DTYPES.join(", ")}${kind === "max" || kind === "min" ? " and bool" : ""}`;
    fail("unsupported-dtype", nodeLabel(node), `${node.op} supports ${supported} inputs, got ${x.dtype}`);
  }
}

/**
 * Folds one output element's inputs in float64, mirroring the C kernel's order and identities.
 * An empty reduction gives the identity (opset 18): 0 for sums, 1 for products, -inf / +inf for
 * float max / min (the type's lowest / highest for integers: the store saturates), -inf for the
 * logs of an empty sum, and 0 / 0 = NaN for a float mean.
 */
function fold(kind: ReduceKind, values: Float64Array, offsets: Int32Array, base: number, isInt: boolean, isBool: boolean): number {
  let acc = kind === "max" ? (isBool ? 0 : -Infinity) : kind === "min" ? (isBool ? 1 : Infinity) : kind === "prod" ? 1 : 0;
  for (let r = 0; r < offsets.length; r++) {
    const v = values[base + offsets[r]!]!;
    switch (kind) {
      case "sum": case "mean": case "logsum": acc += v; break;
      case "prod": acc *= v; break;
      case "sumsquare": case "l2": acc += v * v; break;
      case "l1": acc += Math.abs(v); break;
      case "max": if (v > acc) acc = v; break;
      case "min": if (v < acc) acc = v; break;
      case "logsumexp": acc += Math.exp(v); break;
    }
  }
  switch (kind) {
    case "mean": return isInt ? (offsets.length === 0 ? 0 : Math.trunc(acc / offsets.length)) : acc / offsets.length;
    case "l2": return Math.sqrt(acc);
    case "logsum": case "logsumexp": return Math.log(acc);
    default: return acc;
  }
}

function reduceOp(name: string, kind: ReduceKind): OpDef {
  return {
    name,
    family: "reduce",
    dataTypes: FLOAT_ONLY_KINDS.includes(kind) ? "float32, float64" : `float32, float64, integers${kind === "max" || kind === "min" ? ", bool (opset 20)" : ""}`,
    forms: `every opset: axes attribute, or input from opset ${name === "ReduceSum" ? 13 : 18}; noop_with_empty_axes; an empty reduction gives the identity (18)`,
    inputs: { min: 1, max: 2 },
    outputs: { min: 1, max: 1 },
    constInputs: [{ index: 1, attr: "axes" }],
    infer(node, [x]) {
      checkInput(node, kind, x!);
      return [{ dtype: x!.dtype, shape: planReduce(node, x!.shape).outShape }];
    },
    evaluate(node, [x]) {
      const plan = planReduce(node, x!.shape);
      if (plan.identity) return [x!.reshape(plan.outShape)];
      const values = x!.toNumbers();
      const bases = odometerOffsets(plan.keptDims, plan.keptStrides);
      const offsets = odometerOffsets(plan.reducedDims, plan.reducedStrides);
      const isInt = !DTYPES[x!.dtype].isFloat;
      const out = new Float64Array(plan.outCount);
      for (let o = 0; o < out.length; o++) out[o] = fold(kind, values, offsets, bases[o]!, isInt, x!.dtype === "bool");
      return [Tensor.fromNumbers(x!.dtype, plan.outShape, out)];
    },
    emitC(node, ctx) {
      const xName = node.inputs[0]!;
      const yName = node.outputs[0]!;
      const x = ctx.info(xName);
      const plan = planReduce(node, x.shape);
      if (plan.outCount === 0) {
        ctx.line("/* empty output: nothing to compute */");
        return;
      }
      if (plan.identity) {
        ctx.line(`memcpy(${ctx.ptr(yName)}, ${ctx.ptr(xName)}, ${numel(x.shape) * DTYPES[x.dtype].bytes});`);
        return;
      }
      if (Math.max(plan.keptDims.length, plan.reducedDims.length) > EG_MAX_RANK) {
        fail("bad-shape", nodeLabel(node), `${node.op} in C supports at most ${EG_MAX_RANK} separate kept/reduced dimension groups`);
      }
      const fn = reduceFnName(kind, x.dtype);
      ctx.define(fn, reduceFnCode(kind, x.dtype));
      const arr = (v: readonly number[]) => ctx.constArray("int32_t", v);
      ctx.line(
        `${fn}(${ctx.ptr(xName)}, ${ctx.ptr(yName)}, ${plan.outCount}, ${plan.keptDims.length}, ${arr(plan.keptDims)}, ${arr(plan.keptStrides)}, ` +
          `${plan.reducedCount}, ${plan.reducedDims.length}, ${arr(plan.reducedDims)}, ${arr(plan.reducedStrides)});`,
      );
    },
    macs: (_node, [x]) => (x ? numel(x.shape) : 0),
  };
}

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const REDUCE_OPS: readonly OpDef[] = [
  reduceOp("ReduceSum", "sum"),
  reduceOp("ReduceMean", "mean"),
  reduceOp("ReduceMax", "max"),
  reduceOp("ReduceMin", "min"),
  reduceOp("ReduceProd", "prod"),
  reduceOp("ReduceL1", "l1"),
  reduceOp("ReduceL2", "l2"),
  reduceOp("ReduceSumSquare", "sumsquare"),
  reduceOp("ReduceLogSum", "logsum"),
  reduceOp("ReduceLogSumExp", "logsumexp"),
  ArgMax,
  ArgMin,
];
