import type { Attrs, Node } from "../../ir/graph.js";
import { Tensor } from "../../ir/tensor.js";
import { transpose2d, type QuantLayer } from "./qdq-match.js";

/**
 * int4 / uint4 weights (CMSIS-NN's s4 format, ST's 4-bit weights) in a QDQ layer become
 * QLinearConv (OIHW weights, int32 bias) or QLinearMatMul ([K, N] weights): the integer kernels
 * with onnxruntime's arithmetic (float32 requantization, half to even), so they agree with it bit
 * for bit, and the weights stay packed two per byte in flash (read by the kernels nibble by
 * nibble). A MatMul layer with a bias would need an op QLinearMatMul lacks: it stays float. A
 * Relu before the QuantizeLinear clamps at the output zero point (Max), which is what onnxruntime
 * computes: Q(max(v, 0)) = max(Q(v), y_zero_point).
 */

export interface LayerBuilder {
  fresh(base: string): string;
  constant(name: string, value: Tensor): void;
  node(op: string, inputs: string[], output: string, attrs: Attrs): Node;
}

export function int4Layer(l: QuantLayer, b: LayerBuilder): Node[] | undefined {
  if (l.kind === "fc" && l.bias) return undefined;
  const constant = (base: string, t: Tensor): string => {
    const name = b.fresh(`${l.y}_${base}`);
    b.constant(name, t);
    return name;
  };
  const channels = l.wScale.length;
  const xs = constant("x_scale", Tensor.scalar("float32", l.xq.scale));
  const xz = constant("x_zero_point", Tensor.scalar(l.xq.type, l.xq.zeroPoint));
  const w = constant("w", l.kind === "fc" ? transpose2d(l.weight) : l.weight);
  const ws = constant("w_scale", Tensor.fromNumbers("float32", [channels], l.wScale));
  const wz = constant("w_zero_point", Tensor.fromNumbers(l.weight.dtype, [channels], l.wZeroPoint));
  const ys = constant("y_scale", Tensor.scalar("float32", l.yq.scale));
  const yz = constant("y_zero_point", Tensor.scalar(l.yq.type, l.yq.zeroPoint));
  const y = l.relu ? b.fresh(`${l.y}_before_relu`) : l.y;
  const out = l.kind === "conv"
    ? [b.node("QLinearConv", [l.x, xs, xz, w, ws, wz, ys, yz, ...(l.bias ? [constant("bias", l.bias.reshape([l.bias.size]))] : [])], y, l.convAttrs ?? {})]
    : [b.node("QLinearMatMul", [l.x, xs, xz, w, ws, wz, ys, yz], y, {})];
  if (l.relu) out.push(b.node("Max", [y, yz], l.y, {}));
  return out;
}
