import { DTYPES } from "../ir/dtype.js";
import { normAxis } from "../ir/shape.js";
import { fusedClamp, outputParams } from "./activation.js";
import { qAttrs, type QuantContext } from "./context.js";
import type { Node } from "../ir/graph.js";
import type { Lowering } from "./lowering.js";
import { quantizeReal, type ActDType, type QParams } from "./params.js";

/**
 * Add / Sub / Mul of two tensors (either may be a constant) -> QAdd / QSub / QMul, broadcasting.
 * When the result's only reader is a Relu or Clip with constant bounds, the activation is fused
 * as TFLite's converter fuses it: the kernel writes the activation's output directly, with its
 * parameters and clamp, instead of a full-range tensor (twice the step for ReLU's half) that is
 * requantized; the Relu/Clip then has nothing left to do.
 */
export function lowerBinary(quantOp: "QAdd" | "QSub" | "QMul"): Lowering {
  return (cx, node) => {
    const fused = fusibleActivation(cx, node);
    const out = fused?.output ?? node.outputs[0]!;
    const dtype = cx.dtypeOf(out);
    const y = cx.calibrated(out, dtype);
    const clamp = fused ? clampCodes(fused.bounds, y, dtype) : fusedClamp(node, y, dtype);
    if ("unsupported" in clamp) return clamp.unsupported;
    const a = cx.quantized(node.inputs[0]!, dtype, "nat");
    const b = cx.quantized(node.inputs[1]!, dtype, "nat");
    const name = cx.emit(quantOp, [a.name, b.name], { ...qAttrs("a", a.params), ...qAttrs("b", b.params), ...qAttrs("y", y), ...clamp }, `${out}:${dtype}`);
    cx.setQuantized(out, { name, dtype, layout: "nat", params: y });
    return undefined;
  };
}

/** The Relu/Clip a binary op's output can be fused with: its only reader, same dtype, not a graph output. */
function fusibleActivation(cx: QuantContext, node: Node): { output: string; bounds: Bounds } | undefined {
  const out = node.outputs[0]!;
  const readers = cx.consumers(out);
  const act = readers[0];
  if (readers.length !== 1 || !act || (act.op !== "Relu" && act.op !== "Clip") || node.attrs["activation"] !== undefined) return undefined;
  if (cx.isGraphOutput(out) || cx.dtypeOf(act.outputs[0]!) !== cx.dtypeOf(out)) return undefined;
  const bounds = clampBounds(cx, act);
  return typeof bounds === "string" ? undefined : { output: act.outputs[0]!, bounds };
}

/** Real bounds of a Relu / Clip (infinite when absent). */
interface Bounds {
  readonly lo: number;
  readonly hi: number;
}

function clampBounds(cx: QuantContext, node: Node): Bounds | string {
  if (node.op === "Relu") return { lo: 0, hi: Infinity };
  const consts = node.inputs.slice(1).map((n) => (n === "" ? undefined : cx.source.constants.get(n)));
  if (node.inputs.slice(1).some((n, i) => n !== "" && consts[i] === undefined)) return "its bounds are computed at run time";
  const min = consts[0]?.toNumbers()[0] ?? node.attrs["min"];
  const max = consts[1]?.toNumbers()[0] ?? node.attrs["max"];
  return { lo: typeof min === "number" ? min : -Infinity, hi: typeof max === "number" ? max : Infinity };
}

/** The bounds as codes of `y`, intersected with the dtype's range. */
function clampCodes(b: Bounds, y: QParams, dtype: ActDType): { act_min: number; act_max: number } {
  return {
    act_min: Math.max(DTYPES[dtype].min, Number.isFinite(b.lo) ? quantizeReal(b.lo, y, dtype) : DTYPES[dtype].min),
    act_max: Math.min(DTYPES[dtype].max, Number.isFinite(b.hi) ? quantizeReal(b.hi, y, dtype) : DTYPES[dtype].max),
  };
}

/** Relu / Clip -> QRequantize clamped to the activation's range in the output's codes (unless fused into its producer). */
export const lowerClamp: Lowering = (cx, node) => {
  const out = node.outputs[0]!;
  if (cx.copiesOf(out).length > 0) return undefined;
  const bounds = clampBounds(cx, node);
  if (typeof bounds === "string") return bounds;
  const dtype = cx.dtypeOf(out);
  const y = outputParams(cx, node, dtype);
  const x = cx.quantized(node.inputs[0]!, dtype, "nat");
  const name = cx.emit("QRequantize", [x.name], { ...qAttrs("x", x.params), ...qAttrs("y", y), ...clampCodes(bounds, y, dtype), to: dtype }, `${out}:${dtype}`);
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
