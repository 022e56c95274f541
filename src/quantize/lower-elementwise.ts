import { DTYPES } from "../ir/dtype.js";
import { normAxis } from "../ir/shape.js";
import { fusedClamp, outputParams } from "./activation.js";
import { qAttrs } from "./context.js";
import type { Lowering } from "./lowering.js";
import { quantizeReal, type ActDType, type QParams } from "./params.js";

/** Add / Sub / Mul of two tensors (either may be a constant) -> QAdd / QSub / QMul, broadcasting. */
export function lowerBinary(quantOp: "QAdd" | "QSub" | "QMul"): Lowering {
  return (cx, node) => {
    const dtype = cx.dtypeOf(node.outputs[0]!);
    const y = outputParams(cx, node, dtype);
    const clamp = fusedClamp(node, y, dtype);
    if ("unsupported" in clamp) return clamp.unsupported;
    const a = cx.quantized(node.inputs[0]!, dtype, "nat");
    const b = cx.quantized(node.inputs[1]!, dtype, "nat");
    const out = node.outputs[0]!;
    const name = cx.emit(quantOp, [a.name, b.name], { ...qAttrs("a", a.params), ...qAttrs("b", b.params), ...qAttrs("y", y), ...clamp }, `${out}:${dtype}`);
    cx.setQuantized(out, { name, dtype, layout: "nat", params: y });
    return undefined;
  };
}

/** Relu / Clip -> QRequantize clamped to the activation's range in the output's codes. */
export const lowerClamp: Lowering = (cx, node) => {
  const dtype = cx.dtypeOf(node.outputs[0]!);
  const y = outputParams(cx, node, dtype);
  let lo = -Infinity;
  let hi = Infinity;
  if (node.op === "Relu") lo = 0;
  else {
    const consts = node.inputs.slice(1).map((n) => (n === "" ? undefined : cx.source.constants.get(n)));
    if (node.inputs.slice(1).some((n, i) => n !== "" && consts[i] === undefined)) return "its bounds are computed at run time";
    const min = consts[0]?.toNumbers()[0] ?? node.attrs["min"];
    const max = consts[1]?.toNumbers()[0] ?? node.attrs["max"];
    if (typeof min === "number") lo = min;
    if (typeof max === "number") hi = max;
  }
  const x = cx.quantized(node.inputs[0]!, dtype, "nat");
  const act_min = Math.max(DTYPES[dtype].min, Number.isFinite(lo) ? quantizeReal(lo, y, dtype) : DTYPES[dtype].min);
  const act_max = Math.min(DTYPES[dtype].max, Number.isFinite(hi) ? quantizeReal(hi, y, dtype) : DTYPES[dtype].max);
  const out = node.outputs[0]!;
  const name = cx.emit("QRequantize", [x.name], { ...qAttrs("x", x.params), ...qAttrs("y", y), act_min, act_max, to: dtype }, `${out}:${dtype}`);
  cx.setQuantized(out, { name, dtype, layout: "nat", params: y });
  return undefined;
};

export const lowerLeakyRelu: Lowering = (cx, node) => {
  const dtype = cx.dtypeOf(node.outputs[0]!);
  const y = outputParams(cx, node, dtype);
  const alpha = typeof node.attrs["alpha"] === "number" ? node.attrs["alpha"] : 0.01;
  const x = cx.quantized(node.inputs[0]!, dtype, "nat");
  const out = node.outputs[0]!;
  const name = cx.emit("QLeakyRelu", [x.name], { alpha, ...qAttrs("x", x.params), ...qAttrs("y", y) }, `${out}:${dtype}`);
  cx.setQuantized(out, { name, dtype, layout: "nat", params: y });
  return undefined;
};

/**
 * Sigmoid / Tanh / Softmax: int8 kernels with TFLite's fixed output scales (1/256 with zero point
 * -128 for outputs in [0, 1], 1/128 with 0 for tanh), whatever the activation dtype elsewhere.
 */
export function lowerFixedOutput(quantOp: "QLogistic" | "QTanh" | "QSoftmax"): Lowering {
  const y: QParams = quantOp === "QTanh" ? { scale: 1 / 128, zeroPoint: 0 } : { scale: 1 / 256, zeroPoint: -128 };
  return (cx, node) => {
    const rank = cx.source.values.get(node.inputs[0]!)!.shape.length;
    if (quantOp === "QSoftmax") {
      const axis = typeof node.attrs["axis"] === "number" ? node.attrs["axis"] : -1;
      if (normAxis(axis, rank) !== rank - 1) return "only a softmax over the last axis has an integer kernel";
    }
    const dtype: ActDType = "int8";
    const x = cx.quantized(node.inputs[0]!, dtype, "nat");
    const out = node.outputs[0]!;
    const extra = quantOp === "QSoftmax" ? { beta: 1 } : {};
    const name = cx.emit(quantOp, [x.name], { ...extra, ...qAttrs("x", x.params), ...qAttrs("y", y) }, `${out}:${dtype}`);
    cx.setQuantized(out, { name, dtype, layout: "nat", params: y });
    return undefined;
  };
}
