import type { EmitCtx } from "../emit-ctx.js";
import { cLiteral } from "../../cgen/literals.js";
import { attrFloat } from "../attrs.js";
import type { Node } from "../graph.js";
import { Tensor } from "../tensor.js";

/**
 * BatchNormalization with training_mode = 1 (opset 14+; TensorFlow FusedBatchNorm with
 * is_training = true): what a graph exported in training mode computes. Each channel is
 * normalised with the mean and (biased) variance of the current input over N and the spatial
 * axes, as the ONNX reference does:
 *   y = scale * (x - batch_mean) / sqrt(batch_var + epsilon) + bias
 *   running_mean = input_mean * momentum + batch_mean * (1 - momentum)   (output 1)
 *   running_var  = input_var * momentum + batch_var * (1 - momentum)     (output 2)
 * The statistics accumulate in double in both the evaluator and the C.
 */

export const TRAINING_MODE_WARNING =
  "the model was exported in training mode: BatchNormalization normalises each input with its own batch statistics " +
  "(what the graph computes), not with the running averages; export the model in eval / inference mode for inference";

interface View {
  readonly n: number;
  readonly c: number;
  readonly spatial: number;
}

export function evaluateTraining(node: Node, view: View, [x, scale, bias, mean, variance]: readonly Tensor[]): Tensor[] {
  const eps = Math.fround(attrFloat(node, "epsilon", 1e-5));
  const momentum = Math.fround(attrFloat(node, "momentum", 0.9));
  const xv = x!.toNumbers();
  const s = scale!.toNumbers();
  const b = bias!.toNumbers();
  const count = view.n * view.spatial;
  const y = new Float64Array(xv.length);
  const runningMean = new Float64Array(view.c);
  const runningVar = new Float64Array(view.c);
  const inMean = mean!.size === view.c ? mean!.toNumbers() : new Float64Array(view.c);
  const inVar = variance!.size === view.c ? variance!.toNumbers() : new Float64Array(view.c);
  const at = (n: number, ch: number, i: number) => (n * view.c + ch) * view.spatial + i;
  for (let ch = 0; ch < view.c; ch++) {
    let sum = 0;
    for (let n = 0; n < view.n; n++) for (let i = 0; i < view.spatial; i++) sum += xv[at(n, ch, i)]!;
    const m = Math.fround(sum / count);
    let sq = 0;
    for (let n = 0; n < view.n; n++) for (let i = 0; i < view.spatial; i++) sq += (xv[at(n, ch, i)]! - m) ** 2;
    const v = Math.fround(sq / count);
    const k = s[ch]! / Math.sqrt(v + eps);
    for (let n = 0; n < view.n; n++) for (let i = 0; i < view.spatial; i++) y[at(n, ch, i)] = (xv[at(n, ch, i)]! - m) * k + b[ch]!;
    runningMean[ch] = inMean[ch]! * momentum + m * (1 - momentum);
    runningVar[ch] = inVar[ch]! * momentum + v * (1 - momentum);
  }
  return [Tensor.fromNumbers("float32", x!.shape, y), Tensor.fromNumbers("float32", [view.c], runningMean), Tensor.fromNumbers("float32", [view.c], runningVar)];
}

const KERNEL = `/* BatchNormalization in training mode: batch statistics per channel (double accumulators). */
static void eg_batchnorm_train_f32(const float *x, const float *scale, const float *bias, const float *mean_in, const float *var_in,
    float *y, float *mean_out, float *var_out, int32_t n, int32_t c, int32_t spatial, float eps, float momentum) {
  int32_t b, ch, i;
  const double count = (double)n * (double)spatial;
  for (ch = 0; ch < c; ch++) {
    double sum = 0.0, sq = 0.0, k;
    float m, v;
    for (b = 0; b < n; b++) for (i = 0; i < spatial; i++) sum += (double)x[((int64_t)b * c + ch) * spatial + i];
    m = (float)(sum / count);
    for (b = 0; b < n; b++) for (i = 0; i < spatial; i++) {
      const double d = (double)x[((int64_t)b * c + ch) * spatial + i] - (double)m;
      sq += d * d;
    }
    v = (float)(sq / count);
    k = (double)scale[ch] / sqrt((double)v + (double)eps);
    for (b = 0; b < n; b++) for (i = 0; i < spatial; i++) {
      const int64_t at = ((int64_t)b * c + ch) * spatial + i;
      y[at] = (float)(((double)x[at] - (double)m) * k + (double)bias[ch]);
    }
    if (mean_out) mean_out[ch] = (float)((double)mean_in[ch] * (double)momentum + (double)m * (1.0 - (double)momentum));
    if (var_out) var_out[ch] = (float)((double)var_in[ch] * (double)momentum + (double)v * (1.0 - (double)momentum));
  }
}`;

export function emitTraining(node: Node, view: View, ctx: EmitCtx): void {
  ctx.define("eg_batchnorm_train_f32", KERNEL);
  const [x, scale, bias, mean, variance] = node.inputs.map((n) => ctx.ptr(n));
  const outs = [0, 1, 2].map((i) => ctx.ptr(node.outputs[i] ?? ""));
  const eps = cLiteral("float32", Math.fround(attrFloat(node, "epsilon", 1e-5)));
  const momentum = cLiteral("float32", Math.fround(attrFloat(node, "momentum", 0.9)));
  ctx.line(`eg_batchnorm_train_f32(${x}, ${scale}, ${bias}, ${mean}, ${variance}, ${outs.join(", ")}, ${view.n}, ${view.c}, ${view.spatial}, ${eps}, ${momentum});`);
}
