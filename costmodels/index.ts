/**
 * Cost models: per-target estimates of what a candidate program costs, as a vector of named
 * factors that the target's weights collapse to one number for extraction. The generic parts
 * live here (the table-driven model, op kinds, program cost, SRAM peak, the host model); each
 * target plugin brings its own model (backends/<target>/), passed to the optimizer as a value.
 */
import type { CostModel, CostVector } from "./types.js";

export type { CostModel, CostVector, Factor } from "./types.js";
export { FACTORS } from "./types.js";
export { programCost, addCosts, nodeTypes } from "./program.js";
export { sramPeak } from "./sram.js";
export type { SramPeak } from "./sram.js";
export { fusedActivation, tableCostModel } from "./table-model.js";
export { opKind, elementClass } from "./op-kinds.js";
export type { OpKind, ElementClass, MacFamily } from "./op-kinds.js";
export type { Coefficients } from "./coefficients.js";
export { host, HOST_COEFFICIENTS } from "./host.js";
export { withPatchBandPrices } from "./patch-bands.js";

/** Σ weight × factor over the vector's factors; a factor the model does not weigh counts 0. */
export function collapse(model: CostModel, v: CostVector): number {
  let total = 0;
  for (const [factor, value] of Object.entries(v)) total += (model.weights[factor] ?? 0) * value;
  return total;
}
