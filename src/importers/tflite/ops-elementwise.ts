import { DTYPES, isFloat } from "../../ir/dtype.js";
import type { Attrs } from "../../ir/graph.js";
import { Tensor } from "../../ir/tensor.js";
import type { Converter, OpContext } from "./context.js";
import { floatActivation } from "./float-helpers.js";
import { ACT_RELU, ACT_RELU6, ACT_RELU_N1_TO_1, activationRange, isQuantizedDtype, qAttrs } from "./quant.js";

/**
 * Elementwise arithmetic, activations, softmax, mean and the float<->integer conversions. Integer
 * inputs select the quantized ops (docs/quantized-ops.md), float inputs the IR's float ops.
 */
const SOFTMAX_OPTIONS = 9;
const ADD_OPTIONS = 11;
const MUL_OPTIONS = 21;
const REDUCER_OPTIONS = 27;
const SUB_OPTIONS = 28;
const LEAKY_RELU_OPTIONS = 75;

function isQuantized(cx: OpContext): boolean {
  return isQuantizedDtype(cx.dtype(cx.input(0)));
}

function binary(floatOp: "Add" | "Sub" | "Mul", quantOp: string, unionType: number, table: string): Converter {
  return (cx) => {
    cx.arity(2);
    const activation = cx.options(unionType, table).byte(0, "fused_activation_function");
    if (isQuantized(cx)) {
      const attrs: Attrs = {
        ...qAttrs(cx, cx.input(0), "a"),
        ...qAttrs(cx, cx.input(1), "b"),
        ...qAttrs(cx, cx.output(), "y"),
        ...activationRange(cx, activation, cx.output()),
      };
      cx.finish(cx.helper(quantOp, [cx.value(0), cx.value(1)], attrs, quantOp.toLowerCase()));
      return;
    }
    cx.finish(floatActivation(cx, cx.helper(floatOp, [cx.value(0), cx.value(1)], {}, floatOp.toLowerCase()), activation));
  };
}

/** A single-input operator: `floatOp` on floats, `quantOp` with x/y parameters on integers. */
function unary(floatOp: string, quantOp: string, floatAttrs: Attrs = {}): Converter {
  return (cx) => {
    cx.arity(1);
    if (isQuantized(cx)) {
      cx.finish(cx.helper(quantOp, [cx.value(0)], { ...qAttrs(cx, cx.input(0), "x"), ...qAttrs(cx, cx.output(), "y") }, quantOp.toLowerCase()));
      return;
    }
    cx.finish(cx.helper(floatOp, [cx.value(0)], floatAttrs, floatOp.toLowerCase()));
  };
}

/** RELU, RELU6, RELU_N1_TO_1: a float activation, or a requantization clamped to the activation's range. */
function relu(activation: number): Converter {
  return (cx) => {
    cx.arity(1);
    if (isQuantized(cx)) {
      const attrs: Attrs = { ...qAttrs(cx, cx.input(0), "x"), ...qAttrs(cx, cx.output(), "y"), ...activationRange(cx, activation, cx.output()) };
      cx.finish(cx.helper("QRequantize", [cx.value(0)], attrs, "relu"));
      return;
    }
    cx.finish(floatActivation(cx, cx.value(0), activation));
  };
}

const leakyRelu: Converter = (cx) => {
  cx.arity(1);
  const alpha = cx.options(LEAKY_RELU_OPTIONS, "LeakyReluOptions").float(0, "alpha");
  if (isQuantized(cx)) {
    cx.finish(cx.helper("QLeakyRelu", [cx.value(0)], { alpha, ...qAttrs(cx, cx.input(0), "x"), ...qAttrs(cx, cx.output(), "y") }, "qleakyrelu"));
    return;
  }
  cx.finish(cx.helper("LeakyRelu", [cx.value(0)], { alpha }, "leakyrelu"));
};

/** SOFTMAX over the last axis of exp(beta * x). */
const softmax: Converter = (cx) => {
  cx.arity(1);
  const beta = cx.options(SOFTMAX_OPTIONS, "SoftmaxOptions").float(0, "beta", 1);
  if (isQuantized(cx)) {
    cx.finish(cx.helper("QSoftmax", [cx.value(0)], { beta, ...qAttrs(cx, cx.input(0), "x"), ...qAttrs(cx, cx.output(), "y") }, "qsoftmax"));
    return;
  }
  let x = cx.value(0);
  if (beta !== 1) {
    const b = cx.ir.constant(cx.ir.fresh(`${cx.outName}/beta`), Tensor.scalar("float32", beta));
    x = cx.helper("Mul", [x, b], {}, "scaled");
  }
  cx.finish(cx.helper("Softmax", [x], { axis: -1 }, "softmax"));
};

const mean: Converter = (cx) => {
  cx.arity(2);
  const axes = cx.constant(1, "axes").toArray();
  const keepdims = cx.options(REDUCER_OPTIONS, "ReducerOptions").bool(0, "keep_dims") ? 1 : 0;
  if (isQuantized(cx)) {
    cx.finish(cx.helper("QMean", [cx.value(0)], { axes, keepdims, ...qAttrs(cx, cx.input(0), "x"), ...qAttrs(cx, cx.output(), "y") }, "qmean"));
    return;
  }
  cx.finish(cx.helper("ReduceMean", [cx.value(0)], { axes, keepdims }, "mean"));
};

/** QUANTIZE: float -> integer, or integer -> integer with new parameters. */
const quantize: Converter = (cx) => {
  cx.arity(1);
  const inType = cx.dtype(cx.input(0));
  const outType = cx.dtype(cx.output());
  if (isFloat(outType)) cx.fail("unsupported-dtype", `output is ${outType}; QUANTIZE produces integers`);
  if (isFloat(inType)) {
    const q = qAttrs(cx, cx.output(), "y");
    cx.finish(cx.helper("QQuantize", [cx.value(0)], { ...q, to: DTYPES[outType].onnx }, "quantize"));
    return;
  }
  const attrs: Attrs = { ...qAttrs(cx, cx.input(0), "x"), ...qAttrs(cx, cx.output(), "y"), to: DTYPES[outType].onnx };
  cx.finish(cx.helper("QRequantize", [cx.value(0)], attrs, "requantize"));
};

/** DEQUANTIZE: integer -> float32 with the input's parameters; float16 constants are widened. */
const dequantize: Converter = (cx) => {
  cx.arity(1);
  const inType = cx.dtype(cx.input(0));
  if (inType === "float16") {
    cx.finish(cx.helper("Cast", [cx.value(0)], { to: DTYPES.float32.onnx }, "cast"));
    return;
  }
  if (isFloat(inType)) cx.fail("unsupported-dtype", `input is ${inType}; DEQUANTIZE takes integers or float16`);
  cx.finish(cx.helper("QDequantize", [cx.value(0)], qAttrs(cx, cx.input(0), "x"), "dequantize"));
};

export const ELEMENTWISE_CONVERTERS: Readonly<Record<string, Converter>> = {
  ADD: binary("Add", "QAdd", ADD_OPTIONS, "AddOptions"),
  SUB: binary("Sub", "QSub", SUB_OPTIONS, "SubOptions"),
  MUL: binary("Mul", "QMul", MUL_OPTIONS, "MulOptions"),
  LOGISTIC: unary("Sigmoid", "QLogistic"),
  TANH: unary("Tanh", "QTanh"),
  HARD_SWISH: unary("HardSwish", "QHardSwish"),
  RELU: relu(ACT_RELU),
  RELU6: relu(ACT_RELU6),
  RELU_N1_TO_1: relu(ACT_RELU_N1_TO_1),
  LEAKY_RELU: leakyRelu,
  SOFTMAX: softmax,
  MEAN: mean,
  QUANTIZE: quantize,
  DEQUANTIZE: dequantize,
};
