import type { EmitCtx } from "../../codegen/emit-ctx.js";
import { fail } from "../../errors.js";
import { attrInt, attrString, checkOneOf, hasAttr } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel, sameShape, shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";

/**
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (which is NLL over a log-softmax along
 * axis 1, with that log-softmax as an optional second output). Each position (n, d) of the target
 * picks class t: loss = -input[n, t, d]·w with w = weight[t] (1 without weights) and w = 0 where
 * t is ignore_index. Reductions: none (the per-position losses), sum, and mean = Σ loss / Σ w,
 * the ONNX reference's weighted mean. Sums and the log-softmax run in double in the interpreter
 * and in C alike. A target outside [0, C) that is not ignore_index is a model error in the
 * interpreter; the C counts it as ignored, so run-time labels never index out of bounds.
 */
const LOSS_DTYPES: readonly DType[] = ["float32", "float64"];
const REDUCTIONS = ["none", "sum", "mean"] as const;
type Reduction = (typeof REDUCTIONS)[number];

interface LossPlan {
  readonly n: number;
  readonly classes: number;
  /** Positions per sample (the product of d1...dk). */
  readonly d: number;
  readonly reduction: Reduction;
  readonly ignore: number | undefined;
  readonly outShape: readonly number[];
}

function planLoss(node: Node, x: ValueInfo, target: ValueInfo, weight: ValueInfo | undefined): LossPlan {
  if (!LOSS_DTYPES.includes(x.dtype)) fail("unsupported-dtype", nodeLabel(node), `${node.op} supports ${LOSS_DTYPES.join(", ")}, got ${x.dtype}`);
  if (target.dtype !== "int32" && target.dtype !== "int64") fail("unsupported-dtype", nodeLabel(node), `the target must be int32 or int64, got ${target.dtype}`);
  if (x.shape.length < 2) fail("bad-shape", nodeLabel(node), `the input must be [N, C, d1...], got ${shapeToString(x.shape)}`);
  const want = [x.shape[0]!, ...x.shape.slice(2)];
  if (!sameShape(want, target.shape)) fail("bad-shape", nodeLabel(node), `the target must have shape ${shapeToString(want)} ([N, d1...]), got ${shapeToString(target.shape)}`);
  const classes = x.shape[1]!;
  if (weight && (weight.dtype !== x.dtype || !sameShape(weight.shape, [classes]))) {
    fail("bad-shape", nodeLabel(node), `the weight must be ${x.dtype}[${classes}] (one per class), got ${weight.dtype}[${shapeToString(weight.shape)}]`);
  }
  const reduction = checkOneOf(node, "reduction", attrString(node, "reduction", "mean") as Reduction, REDUCTIONS);
  return {
    n: x.shape[0]!,
    classes,
    d: numel(x.shape.slice(2)),
    reduction,
    ignore: hasAttr(node, "ignore_index") ? attrInt(node, "ignore_index") : undefined,
    outShape: reduction === "none" ? target.shape : [],
  };
}

/** Reference losses from log-probabilities `logp` laid out [N, C, D]. */
function nllFromLogProb(node: Node, p: LossPlan, logp: ArrayLike<number>, target: readonly number[], weight: ArrayLike<number> | undefined): Float64Array {
  const per = new Float64Array(p.n * p.d);
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.d; j++) {
      const t = target[i * p.d + j]!;
      let w = 0;
      let l = 0;
      if (t !== p.ignore) {
        if (!(t >= 0 && t < p.classes)) fail("bad-shape", nodeLabel(node), `target ${t} is outside the ${p.classes} classes (and is not ignore_index)`);
        w = weight ? weight[t]! : 1;
        l = -logp[(i * p.classes + t) * p.d + j]! * w;
      }
      per[i * p.d + j] = l;
      sum = sum + l;
      wsum = wsum + w;
    }
  }
  if (p.reduction === "none") return per;
  return Float64Array.of(p.reduction === "sum" ? sum : sum / wsum);
}

/** log-softmax along axis 1 of [N, C, D]: (x - max) - log Σ exp(x - max), in double. */
function logSoftmax(p: LossPlan, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.n * p.classes * p.d);
  for (let i = 0; i < p.n; i++) {
    for (let j = 0; j < p.d; j++) {
      const at = (k: number) => (i * p.classes + k) * p.d + j;
      let max = -Infinity;
      for (let k = 0; k < p.classes; k++) if (x[at(k)]! > max) max = x[at(k)]!;
      let s = 0;
      for (let k = 0; k < p.classes; k++) s = s + Math.exp(x[at(k)]! - max);
      const log = Math.log(s);
      for (let k = 0; k < p.classes; k++) out[at(k)] = x[at(k)]! - max - log;
    }
  }
  return out;
}

/** The C kernel of both losses: SCE computes the log-softmax of each position first. */
function lossCode(fn: string, T: string, I: string, softmax: boolean): string {
  const lp = softmax ? "lp" : "x";
  return `/* ${softmax ? "SoftmaxCrossEntropyLoss" : "NegativeLogLikelihoodLoss"} over [n, c, d] (see losses.ts); reduction 0 none, 1 sum, 2 mean. */
static void ${fn}(const ${T} *x, const ${I} *target, const ${T} *weight, ${T} *loss, ${softmax ? `${T} *log_prob, double *lp, ` : ""}int32_t n, int32_t c, int32_t d,
    int64_t ignore, int32_t has_ignore, int32_t reduction) {
  double sum = 0.0, wsum = 0.0;
  int32_t i, j${softmax ? ", k" : ""};
  for (i = 0; i < n; i++) {
    for (j = 0; j < d; j++) {
      const int64_t t = (int64_t)target[(size_t)i * (size_t)d + (size_t)j];
      double w = 0.0, l = 0.0;
${softmax ? `      double max = -INFINITY, s = 0.0, lg;
      for (k = 0; k < c; k++) {
        const double v = (double)x[((size_t)i * (size_t)c + (size_t)k) * (size_t)d + (size_t)j];
        if (v > max) max = v;
      }
      for (k = 0; k < c; k++) s = s + exp((double)x[((size_t)i * (size_t)c + (size_t)k) * (size_t)d + (size_t)j] - max);
      lg = log(s);
      for (k = 0; k < c; k++) {
        const size_t at = ((size_t)i * (size_t)c + (size_t)k) * (size_t)d + (size_t)j;
        lp[k] = (double)x[at] - max - lg;
        if (log_prob) log_prob[at] = (${T})lp[k];
      }
` : ""}      if (!(has_ignore && t == ignore) && t >= 0 && t < c) {
        w = weight ? (double)weight[t] : 1.0;
        l = -(double)${softmax ? "lp[t]" : `${lp}[((size_t)i * (size_t)c + (size_t)t) * (size_t)d + (size_t)j]`} * w;
      }
      if (reduction == 0) loss[(size_t)i * (size_t)d + (size_t)j] = (${T})l;
      sum = sum + l;
      wsum = wsum + w;
    }
  }
  if (reduction == 1) loss[0] = (${T})sum;
  if (reduction == 2) loss[0] = (${T})(sum / wsum);
}`;
}

function emitLoss(node: Node, ctx: EmitCtx, softmax: boolean): void {
  const [xName, targetName, weightName = ""] = node.inputs as [string, string, string?];
  const x = ctx.info(xName);
  const target = ctx.info(targetName);
  const p = planLoss(node, x, target, weightName === "" ? undefined : ctx.info(weightName));
  const T = DTYPES[x.dtype].ctype;
  const I = DTYPES[target.dtype].ctype;
  const fn = `eg_${softmax ? "sce" : "nll"}_${DTYPES[x.dtype].suffix}_${DTYPES[target.dtype].suffix}`;
  ctx.define(fn, lossCode(fn, T, I, softmax));
  const scratch = softmax ? `${ctx.ptr(node.outputs[1] ?? "")}, (double *)${ctx.scratch()}, ` : "";
  const ignore = p.ignore === undefined ? "0, 0" : `INT64_C(${p.ignore}), 1`;
  ctx.line(
    `${fn}(${ctx.ptr(xName)}, ${ctx.ptr(targetName)}, ${ctx.ptr(weightName)}, ${ctx.ptr(node.outputs[0]!)}, ${scratch}${p.n}, ${p.classes}, ${p.d}, ${ignore}, ${REDUCTIONS.indexOf(p.reduction)});`,
  );
}

function evaluateLoss(node: Node, inputs: readonly (Tensor | undefined)[], softmax: boolean): Tensor[] {
  const [x, target, weight] = inputs as [Tensor, Tensor, Tensor | undefined];
  const p = planLoss(node, x, target, weight);
  const logp = softmax ? logSoftmax(p, x.toNumbers()) : x.toNumbers();
  const loss = Tensor.fromNumbers(x.dtype, p.outShape, nllFromLogProb(node, p, logp, target.toArray(), weight?.toNumbers()));
  return softmax ? [loss, Tensor.fromNumbers(x.dtype, x.shape, logp)] : [loss];
}

function lossOp(name: string, softmax: boolean): OpDef {
  return {
    name,
    family: "loss",
    dataTypes: "float32, float64 (int32/int64 targets)",
    inputs: { min: 2, max: 3 },
    outputs: { min: 1, max: softmax ? 2 : 1 },
    infer(node, [x, target, weight]) {
      const p = planLoss(node, x!, target!, weight);
      const loss = { dtype: x!.dtype, shape: p.outShape };
      return softmax ? [loss, { dtype: x!.dtype, shape: x!.shape }] : [loss];
    },
    evaluate: (node, inputs) => evaluateLoss(node, inputs, softmax),
    emitC: (node, ctx) => emitLoss(node, ctx, softmax),
    ...(softmax ? { scratchBytes: (_node: Node, [x]: readonly (ValueInfo | undefined)[]) => Math.max(1, x!.shape[1] ?? 1) * 8 } : {}),
    macs: (_node, [x]) => numel(x!.shape) * (softmax ? 3 : 1),
  };
}

registerOps([lossOp("NegativeLogLikelihoodLoss", false), lossOp("SoftmaxCrossEntropyLoss", true)]);
