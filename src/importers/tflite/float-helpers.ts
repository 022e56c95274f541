import { isFloat } from "../../ir/dtype.js";
import { stridesOf } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from "../nhwc.js";
import { constantOf, type OpContext } from "./context.js";
import { ACT_NONE, ACT_RELU, ACT_RELU6, ACT_RELU_N1_TO_1, activationName } from "./quant.js";

/**
 * Helpers of the float path: TFLite keeps activations NHWC, the IR's Conv and pooling are NCHW,
 * so layout-sensitive operators run between two Transposes (the optimizer's layout rules cancel
 * the back-to-back pairs), and fused activations become IR activation nodes.
 */
export function toNchw(cx: OpContext, nhwc: string): string {
  return cx.helper("Transpose", [nhwc], { perm: NHWC_TO_NCHW }, "nchw_in");
}

export function toNhwc(cx: OpContext, nchw: string): string {
  return cx.helper("Transpose", [nchw], { perm: NCHW_TO_NHWC }, "nhwc");
}

/** The fused activation of a float operator applied to `x` (x itself for NONE). */
export function floatActivation(cx: OpContext, x: string, activation: number): string {
  switch (activation) {
    case ACT_NONE:
      return x;
    case ACT_RELU:
      return cx.helper("Relu", [x], {}, "relu");
    case ACT_RELU6:
      return cx.helper("Clip", [x], { min: 0, max: 6 }, "relu6");
    case ACT_RELU_N1_TO_1:
      return cx.helper("Clip", [x], { min: -1, max: 1 }, "relu_n1_to_1");
    case 4:
      return cx.helper("Tanh", [x], {}, "tanh");
    default:
      return cx.fail("bad-attribute", `fused activation ${activationName(activation)} is not supported`);
  }
}

/**
 * A float operator's weight or bias input. Hybrid (dynamic-range) models store float operators'
 * weights as int8 with scales: they are dequantized here, scale * (q - zero point) per channel,
 * so the float path computes with the weights' real values (TFLite's hybrid kernels quantize the
 * activations too, which this float translation does not reproduce).
 */
export function floatWeight(cx: OpContext, i: number): string {
  const t = cx.input(i);
  if (isFloat(cx.dtype(t))) return cx.value(i);
  const q = constantOf(cx.state, t, cx.label);
  if (!q || !t.quantization) cx.fail("unsupported-dtype", `input ${i} (tensor "${t.name}") is ${cx.dtype(t)} on a float operator; only constant quantized weights (hybrid models) are accepted`);
  const { scale, zeroPoint, quantizedDimension: axis } = t.quantization;
  const perChannel = scale.length > 1;
  if (perChannel && t.shape[axis] !== scale.length) cx.fail("bad-attribute", `tensor "${t.name}" has ${scale.length} scales for dimension ${axis} of size ${t.shape[axis]}`);
  const inner = perChannel ? stridesOf(t.shape)[axis]! : 1;
  const values = q.toNumbers();
  const out = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const c = perChannel ? Math.floor(k / inner) % scale.length : 0;
    out[k] = scale[c]! * (values[k]! - (zeroPoint[c] ?? 0));
  }
  return cx.ir.constant(cx.ir.fresh(`${cx.state.names[t.index]}/dequantized`), new Tensor("float32", t.shape, out));
}
