import { Tensor } from "../../../ir/tensor.js";
import type { LayerCtx } from "../builder.js";
import type { Params } from "../params.js";
import { normAxis, scalar } from "./common.js";

const filled = (n: number, v: number): Tensor => Tensor.fromNumbers("float32", [n], new Array<number>(n).fill(v));

/**
 * BatchNorm: blobs are the running mean, the running variance and a scale factor they are both
 * divided by (0 means "no statistics yet", i.e. zeros). Caffe's BatchNorm has no affine part (a
 * Scale layer follows), so BatchNormalization gets unit scale and zero bias; the optimizer's
 * rules fold the pair.
 */
export function batchNorm(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("batch_norm_param");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  if (xs.length < 2) ctx.fail(`input has shape [${xs.join(",")}]; BatchNorm needs a channel axis`, "bad-shape");
  if (p.has("use_global_stats") && !p.bool("use_global_stats", true)) {
    ctx.note("use_global_stats is false (Caffe would normalise with the statistics of each batch); the stored running statistics are used");
  }
  const c = xs[1]!;
  const mean = ctx.blobTensor(0, [c], "mean");
  const variance = ctx.blobTensor(1, [c], "variance");
  const stored = ctx.layer.blobs.length > 2 ? ctx.blobTensor(2, [1], "scale factor").toNumbers()[0]! : 1;
  const factor = stored === 0 ? 0 : 1 / stored;
  const scaled = (t: Tensor) => Tensor.fromNumbers("float32", [c], t.toNumbers().map((v) => v * factor));
  const eps = p.float("eps", 1e-5);
  ctx.opTop(0, "BatchNormalization", [x, ctx.constant("scale", filled(c, 1)), ctx.constant("bias", filled(c, 0)), ctx.constant("mean", scaled(mean)), ctx.constant("var", scaled(variance))], { epsilon: eps });
}

/**
 * The shape a Scale/Bias operand broadcasts with: the input's dims [axis, axis + num_axes)
 * followed by ones up to the input's rank (ONNX broadcasting aligns trailing axes).
 */
function operandShape(ctx: LayerCtx, p: Params, xs: readonly number[], operand?: readonly number[]): number[] {
  const axis = normAxis(ctx, p.int("axis", 1), Math.max(xs.length, 1), `${p.name}.axis`);
  let dims: number[];
  if (operand) {
    dims = [...operand];
    const covered = xs.slice(axis, axis + dims.length);
    if (covered.length !== dims.length || covered.some((d, i) => d !== dims[i])) {
      ctx.fail(`second bottom has shape [${dims.join(",")}], which does not match the input's dims [${covered.join(",")}] from axis ${axis}`, "bad-shape");
    }
  } else {
    const numAxes = p.int("num_axes", 1, -1);
    if (numAxes !== -1 && axis + numAxes > xs.length) p.bad("num_axes", `= ${numAxes} goes past the input's rank ${xs.length} from axis ${axis}`);
    dims = xs.slice(axis, numAxes === -1 ? xs.length : axis + numAxes);
  }
  return [...dims, ...new Array<number>(xs.length - axis - dims.length).fill(1)];
}

/** The operand: bottom 1 (reshaped to broadcast) or learned blob `blob`. */
function operand(ctx: LayerCtx, p: Params, x: string, blob: number, what: string): { value: string; shape: number[] } {
  const xs = ctx.shape(x);
  if (ctx.layer.bottoms.length === 2) {
    const b = ctx.bottom(1);
    const shape = operandShape(ctx, p, xs, ctx.shape(b));
    const same = ctx.shape(b).length === shape.length;
    return { value: same ? b : ctx.op("Reshape", [b], { shape }), shape };
  }
  const shape = operandShape(ctx, p, xs);
  return { value: ctx.weight(blob, shape, what), shape };
}

/** Scale: x * scale (+ bias when bias_term), the scale learned or given as a second bottom. */
export function scale(ctx: LayerCtx): void {
  ctx.arity([1, 2], [1, 1]);
  const p = ctx.params("scale_param");
  const x = ctx.bottom(0);
  const s = operand(ctx, p, x, 0, "scale");
  if (!p.bool("bias_term", false)) {
    ctx.opTop(0, "Mul", [x, s.value]);
    return;
  }
  const biasBlob = ctx.layer.bottoms.length === 2 ? 0 : 1;
  const bias = ctx.weight(biasBlob, s.shape, "bias");
  ctx.opTop(0, "Add", [ctx.op("Mul", [x, s.value]), bias]);
}

/** Bias: x + bias, learned or given as a second bottom. */
export function bias(ctx: LayerCtx): void {
  ctx.arity([1, 2], [1, 1]);
  const p = ctx.params("bias_param");
  const x = ctx.bottom(0);
  ctx.opTop(0, "Add", [x, operand(ctx, p, x, 0, "bias").value]);
}

const WITHIN_CHANNEL = 1;

/**
 * LRN. ACROSS_CHANNELS is ONNX LRN (bias = k). WITHIN_CHANNEL is Caffe's own composition:
 * x * (1 + alpha * avgpool_{n x n}(x^2)) ^ -beta, the pool padded by (n-1)/2 and dividing by n^2.
 */
export function lrn(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("lrn_param");
  const size = p.int("local_size", 5, 1);
  if (size % 2 === 0) p.bad("local_size", `= ${size} must be odd`);
  const alpha = p.float("alpha", 1);
  const beta = p.float("beta", 0.75);
  const x = ctx.bottom(0);
  if (ctx.shape(x).length !== 4) ctx.fail(`input has shape [${ctx.shape(x).join(",")}]; LRN takes 4-D blobs`, "bad-shape");
  if (p.int("norm_region", 0) !== WITHIN_CHANNEL) {
    ctx.opTop(0, "LRN", [x], { size, alpha, beta, bias: p.float("k", 1) });
    return;
  }
  const pad = (size - 1) / 2;
  const squared = ctx.op("Mul", [x, x]);
  const pooled = ctx.op("AveragePool", [squared], { kernel_shape: [size, size], pads: [pad, pad, pad, pad], strides: [1, 1], count_include_pad: 1 });
  const scaled = ctx.op("Mul", [pooled, ctx.constant("alpha", scalar(alpha))]);
  const base = ctx.op("Add", [scaled, ctx.constant("one", scalar(1))]);
  const factor = ctx.op("Pow", [base, ctx.constant("neg_beta", scalar(-beta))]);
  ctx.opTop(0, "Mul", [x, factor]);
}
