import type { Graph } from "../ir/graph.js";
import type { Range } from "./ranges/index.js";
import type { TensorStats } from "./stats.js";

/**
 * ln(512): a logit this far below its row's largest has probability under 1/512, half the step of
 * the int8 Softmax output (1/256), so it always gives code 0, whatever its exact value.
 */
export const SOFTMAX_NEGLIGIBLE_LOGIT = Math.log(512);

/**
 * The range of a tensor read only by an int8 Softmax (over its last axis, as the integer kernel
 * computes it): the part of the calibrated range below (the smallest row maximum seen -
 * SOFTMAX_NEGLIGIBLE_LOGIT) can only produce probability 0, so the same span (the same step) is
 * moved up by that much instead. Nothing the calibration samples need changes, and inputs more
 * confident than any calibration sample keep their largest logit instead of having it clipped
 * (small calibration sets rarely hold the most confident inputs: the IC ResNet-8 calibrated on
 * five photos clipped its evaluation images' top logit, 4.28, at 3.16).
 */
export function softmaxInputRange(r: Range, stats: TensorStats): Range {
  const floor = stats.rowMaxMin - SOFTMAX_NEGLIGIBLE_LOGIT;
  if (!Number.isFinite(floor) || !(floor > r.lo)) return r;
  return { lo: floor, hi: r.hi + (floor - r.lo) };
}

/** Tensors whose only reader is a Softmax over the last axis (their ranges follow softmaxInputRange). */
export function softmaxInputs(program: Graph): Set<string> {
  const readers = new Map<string, number>();
  for (const n of program.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const out = new Set<string>();
  for (const n of program.nodes) {
    if (n.op !== "Softmax") continue;
    const x = n.inputs[0]!;
    const rank = program.values.get(x)?.shape.length ?? 0;
    const axis = typeof n.attrs["axis"] === "number" ? n.attrs["axis"] : -1;
    if (readers.get(x) === 1 && (axis === -1 || axis === rank - 1) && !program.outputs.some((o) => o.name === x)) out.add(x);
  }
  return out;
}
