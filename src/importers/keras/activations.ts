import { fail } from "../../errors.js";
import type { KerasLayerContext, KTensor } from "./context.js";

/**
 * Keras activation functions by name (the `activation` config of Dense/Conv layers and of the
 * Activation layer), applied to `x` as the node named `hint`. "linear" returns `x` unchanged.
 */
export function applyActivation(cx: KerasLayerContext, x: KTensor, activation: string, hint: string): KTensor {
  const unary = (op: string, attrs = {}) => ({ name: cx.ir.node(op, [x.name], attrs, hint), rank: x.rank });
  switch (activation) {
    case "linear": return x;
    case "relu": return unary("Relu");
    case "relu6": return unary("Clip", { min: 0, max: 6 });
    case "sigmoid": return unary("Sigmoid");
    case "tanh": return unary("Tanh");
    case "softmax": return unary("Softmax", { axis: -1 });
    case "elu": return unary("Elu");
    case "selu": return unary("Selu");
    case "softplus": return unary("Softplus");
    case "softsign": return unary("Softsign");
    case "exponential": return unary("Exp");
    // Keras' hard_sigmoid is clip(0.2 x + 0.5, 0, 1), ONNX HardSigmoid's defaults.
    case "hard_sigmoid": return unary("HardSigmoid", { alpha: 0.2, beta: 0.5 });
    case "swish": {
      const gate = cx.ir.node("Sigmoid", [x.name], {}, `${hint}/sigmoid`);
      return { name: cx.ir.node("Mul", [x.name, gate], {}, hint), rank: x.rank };
    }
    default:
      return fail("unsupported-op", cx.label, `activation "${activation}" is not supported (linear, relu, relu6, sigmoid, tanh, softmax, elu, selu, softplus, softsign, exponential, hard_sigmoid, swish)`);
  }
}

/** The layer's own `activation` config applied to its linear result `pre`. */
export function withLayerActivation(cx: KerasLayerContext, pre: (hint: string) => KTensor): KTensor {
  const activation = cx.config.string("activation", "linear");
  if (activation === "linear") return pre(cx.name);
  return applyActivation(cx, pre(`${cx.name}/linear`), activation, cx.name);
}
