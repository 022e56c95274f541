import { fail } from "../../errors.js";
import { attrInts, withAttrs } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { odometerOffsets, planReduce, type ReducePlan } from "./reduce-plan.js";

/** Mirrors EG_MAX_RANK in runtime-c/egret.h. */
const EG_MAX_RANK = 8;

/**
 * MeanVarianceNormalization over `axes` (default [0, 2, 3]: per channel of NCHW). It computes what
 * the ONNX function body computes: Y = (X - E[X]) / (sqrt(E[X²] - E[X]²) + 1e-9), with the
 * moments accumulated in double. A variance that rounds below zero (constant data) counts as 0.
 */
const EPSILON = 1e-9;
const MVN_DTYPES: readonly DType[] = ["float32", "float64"];

function planMvn(node: Node, shape: Shape, dtype: DType): ReducePlan {
  if (!MVN_DTYPES.includes(dtype)) fail("unsupported-dtype", nodeLabel(node), `MeanVarianceNormalization supports ${MVN_DTYPES.join(", ")}, got ${dtype}`);
  const axes = attrInts(node, "axes", [0, 2, 3]);
  const plan = planReduce(withAttrs(node, { axes, keepdims: 1, noop_with_empty_axes: undefined }), shape);
  if (plan.keptDims.length > EG_MAX_RANK || plan.reducedDims.length > EG_MAX_RANK) {
    fail("bad-shape", nodeLabel(node), `rank ${shape.length} is above the C kernels' limit of ${EG_MAX_RANK}`);
  }
  return plan;
}

function evaluateMvn(node: Node, x: Tensor): Tensor {
  const p = planMvn(node, x.shape, x.dtype);
  const v = x.toNumbers();
  const out = new Float64Array(v.length);
  const kept = odometerOffsets(p.keptDims, p.keptStrides);
  const reduced = odometerOffsets(p.reducedDims, p.reducedStrides);
  for (const base of kept) {
    let sum = 0;
    let sumSq = 0;
    for (const r of reduced) {
      sum += v[base + r]!;
      sumSq += v[base + r]! * v[base + r]!;
    }
    const mean = sum / reduced.length;
    const sd = Math.sqrt(Math.max(sumSq / reduced.length - mean * mean, 0));
    for (const r of reduced) out[base + r] = (v[base + r]! - mean) / (sd + EPSILON);
  }
  return Tensor.fromNumbers(x.dtype, x.shape, out);
}

function mvnCode(fn: string, T: string): string {
  const odometer = (idx: string, dims: string, strides: string, off: string, rank: string) => `for (d = ${rank} - 1; d >= 0; d--) {
        ${off} += ${strides}[d];
        if (++${idx}[d] < ${dims}[d]) break;
        ${off} -= ${strides}[d] * ${dims}[d];
        ${idx}[d] = 0;
      }`;
  return `/* MeanVarianceNormalization: for each kept index, moments over the reduced odometer (in double),
   then y = (x - mean) / (sqrt(max(E[x^2] - mean^2, 0)) + 1e-9) over the same elements. */
static void ${fn}(const ${T} *x, ${T} *y, int32_t n_out, int32_t kept_rank, const int32_t *kept_dims,
    const int32_t *kept_strides, int32_t n_red, int32_t red_rank, const int32_t *red_dims, const int32_t *red_strides) {
  int32_t kidx[EG_MAX_RANK] = { 0 };
  int32_t ridx[EG_MAX_RANK];
  int32_t base = 0, o, r, d, pass;
  for (o = 0; o < n_out; o++) {
    double sum = 0.0, sum_sq = 0.0, mean = 0.0, scale = 0.0;
    for (pass = 0; pass < 2; pass++) {
      int32_t off = base;
      for (d = 0; d < red_rank; d++) ridx[d] = 0;
      for (r = 0; r < n_red; r++) {
        const double v = (double)x[off];
        if (pass == 0) {
          sum += v;
          sum_sq += v * v;
        } else {
          y[off] = (${T})((v - mean) * scale);
        }
        ${odometer("ridx", "red_dims", "red_strides", "off", "red_rank")}
      }
      if (pass == 0) {
        double var;
        mean = sum / (double)n_red;
        var = sum_sq / (double)n_red - mean * mean;
        scale = 1.0 / (sqrt(var > 0.0 ? var : 0.0) + ${EPSILON});
      }
    }
    ${odometer("kidx", "kept_dims", "kept_strides", "base", "kept_rank")}
  }
}`;
}

const MeanVarianceNormalization: OpDef = {
  name: "MeanVarianceNormalization",
  family: "norm",
  dataTypes: MVN_DTYPES.join(", "),
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    planMvn(node, x!.shape, x!.dtype);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  evaluate: (node, [x]) => [evaluateMvn(node, x!)],
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const p = planMvn(node, x.shape, x.dtype);
    if (numel(x.shape) === 0) {
      ctx.line("/* empty tensor: nothing to normalise */");
      return;
    }
    const fn = `eg_mvn_${DTYPES[x.dtype].suffix}`;
    ctx.define(fn, mvnCode(fn, DTYPES[x.dtype].ctype));
    const arr = (v: readonly number[]) => ctx.constArray("int32_t", v);
    ctx.line(
      `${fn}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.outCount}, ${p.keptDims.length}, ${arr(p.keptDims)}, ${arr(p.keptStrides)}, ${p.reducedCount}, ${p.reducedDims.length}, ${arr(p.reducedDims)}, ${arr(p.reducedStrides)});`,
    );
  },
  macs: (_node, [x]) => 3 * numel(x!.shape),
};

registerOps([MeanVarianceNormalization]);
