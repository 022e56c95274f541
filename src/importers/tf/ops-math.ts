import { fail } from "../../errors.js";
import { DTYPES } from "../../ir/dtype.js";
import type { Attrs } from "../../ir/graph.js";
import { arity, type TfConverter } from "./context.js";

/** Elementwise, matrix, softmax and reduction nodes: layout-free, so NHWC needs nothing here. */

/** A TensorFlow op that is one IR op with the same inputs. */
function direct(irOp: string, inputs: number, attrs: Attrs = {}): TfConverter {
  return (cx) => {
    arity(cx, inputs);
    return [cx.ir.node(irOp, cx.inputs, attrs, cx.name)];
  };
}

/**
 * MatMul with TensorFlow's transpose flags as Transposes of the 2-D operands. BatchMatMul maps to
 * the IR's batched MatMul without adjoint flags (their permutation depends on the unknown rank).
 */
function matMul(flagA: string, flagB: string, batched: boolean): TfConverter {
  return (cx) => {
    arity(cx, 2);
    const operand = (i: number, flag: string) => {
      if (!cx.attrs.bool(flag, false)) return cx.inputs[i]!;
      if (batched) fail("bad-attribute", cx.label, `${flag} = true is not supported on batched matrix products; transpose the operand in the model instead`);
      return cx.ir.node("Transpose", [cx.inputs[i]!], { perm: [1, 0] }, `${cx.name}/${flag}`);
    };
    return [cx.ir.node("MatMul", [operand(0, flagA), operand(1, flagB)], {}, cx.name)];
  };
}

/**
 * Mean, Sum, Max, Min, Prod: the axes stay an input (the core folds it, so axes computed from
 * shapes work too). TensorFlow reduces nothing for an empty axes list, ONNX reduces everything:
 * noop_with_empty_axes keeps TensorFlow's meaning.
 */
function reduce(irOp: string): TfConverter {
  return (cx) => {
    arity(cx, 2);
    const keepdims = cx.attrs.bool("keep_dims", cx.attrs.bool("keepdims", false)) ? 1 : 0;
    return [cx.ir.node(irOp, cx.inputs, { keepdims, noop_with_empty_axes: 1 }, cx.name)];
  };
}

const cast: TfConverter = (cx) => {
  arity(cx, 1);
  return [cx.ir.node("Cast", cx.inputs, { to: DTYPES[cx.attrs.dtype("DstT")].onnx }, cx.name)];
};

const square: TfConverter = (cx) => {
  arity(cx, 1);
  return [cx.ir.node("Mul", [cx.inputs[0]!, cx.inputs[0]!], {}, cx.name)];
};

const rsqrt: TfConverter = (cx) => {
  arity(cx, 1);
  const root = cx.ir.node("Sqrt", cx.inputs, {}, `${cx.name}/sqrt`);
  return [cx.ir.node("Reciprocal", [root], {}, cx.name)];
};

const leakyRelu: TfConverter = (cx) => {
  arity(cx, 1);
  return [cx.ir.node("LeakyRelu", cx.inputs, { alpha: cx.attrs.float("alpha", 0.2) }, cx.name)];
};

export const MATH_CONVERTERS: Readonly<Record<string, TfConverter>> = {
  Add: direct("Add", 2),
  AddV2: direct("Add", 2),
  Sub: direct("Sub", 2),
  Mul: direct("Mul", 2),
  RealDiv: direct("Div", 2),
  Maximum: direct("Max", 2),
  Minimum: direct("Min", 2),
  Relu: direct("Relu", 1),
  Relu6: direct("Clip", 1, { min: 0, max: 6 }),
  LeakyRelu: leakyRelu,
  Elu: direct("Elu", 1),
  Selu: direct("Selu", 1),
  Sigmoid: direct("Sigmoid", 1),
  Tanh: direct("Tanh", 1),
  Softplus: direct("Softplus", 1),
  Softsign: direct("Softsign", 1),
  Exp: direct("Exp", 1),
  Log: direct("Log", 1),
  Sqrt: direct("Sqrt", 1),
  Rsqrt: rsqrt,
  Square: square,
  Neg: direct("Neg", 1),
  Abs: direct("Abs", 1),
  Softmax: direct("Softmax", 1, { axis: -1 }),
  LogSoftmax: direct("LogSoftmax", 1, { axis: -1 }),
  MatMul: matMul("transpose_a", "transpose_b", false),
  BatchMatMul: matMul("adj_x", "adj_y", true),
  BatchMatMulV2: matMul("adj_x", "adj_y", true),
  Mean: reduce("ReduceMean"),
  Sum: reduce("ReduceSum"),
  Max: reduce("ReduceMax"),
  Min: reduce("ReduceMin"),
  Prod: reduce("ReduceProd"),
  Cast: cast,
};
