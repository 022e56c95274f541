import { DTYPES } from "../ir/dtype.js";
import type { Node } from "../ir/graph.js";
import type { QuantContext } from "./context.js";
import { quantizeReal, type ActDType, type QParams } from "./params.js";

/** A fused activation as a clamp in the output's integer domain, or why it cannot be one. */
export type Clamp = { act_min: number; act_max: number } | { unsupported: string };

/**
 * TFLite's CalculateActivationRangeQuantized for the activations Egret fuses into Conv/Gemm
 * (`activation` attribute, fusion.rules): none, Relu, Clip(lo, hi); the clamp is the real
 * bound's code intersected with the dtype's range.
 */
export function fusedClamp(node: Node, y: QParams, dtype: ActDType): Clamp {
  const kind = node.attrs["activation"];
  const lo = DTYPES[dtype].min;
  const hi = DTYPES[dtype].max;
  if (kind === undefined) return { act_min: lo, act_max: hi };
  if (kind === "Relu") return { act_min: Math.max(lo, quantizeReal(0, y, dtype)), act_max: hi };
  if (kind === "Clip") {
    const a = node.attrs["activation_alpha"];
    const b = node.attrs["activation_beta"];
    const min = typeof a === "number" ? Math.max(lo, quantizeReal(a, y, dtype)) : lo;
    const max = typeof b === "number" ? Math.min(hi, quantizeReal(b, y, dtype)) : hi;
    return { act_min: min, act_max: max };
  }
  return { unsupported: `fused activation ${String(kind)} has no integer clamp` };
}

/** Output parameters of a layer: the calibrated ones of its output tensor. */
export function outputParams(cx: QuantContext, node: Node, dtype: ActDType): QParams {
  return cx.calibrated(node.outputs[0]!, dtype);
}
