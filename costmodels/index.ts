/**
 * Cost models: per-target estimates of what a candidate program costs, as a vector of named
 * factors that the target's weights collapse to one number for extraction.
 */
import "../src/ir/ops/index.js";
import { fail } from "../src/errors.js";
import { cortexM4 } from "./cortex-m4.js";
import { host } from "./host.js";
import { k210Kpu } from "./k210-kpu.js";
import { withPatchBandPrices } from "./patch-bands.js";
import type { CostModel, CostVector } from "./types.js";

export type { CostModel, CostVector, Factor } from "./types.js";
export { FACTORS } from "./types.js";
export { programCost, addCosts, nodeTypes } from "./program.js";
export { sramPeak, scratchBytesOf } from "./sram.js";
export type { SramPeak } from "./sram.js";
export { fusedActivation } from "./table-model.js";
export { opKind, elementClass } from "./op-kinds.js";
export type { OpKind, ElementClass, MacFamily } from "./op-kinds.js";

const MODELS: readonly CostModel[] = [host, cortexM4, k210Kpu].map(withPatchBandPrices);

/** Names accepted by `getCostModel`, in a stable order. */
export const COST_MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

export function getCostModel(name: string): CostModel {
  const model = MODELS.find((m) => m.name === name);
  if (model === undefined) fail("bad-option", "cost model", `unknown cost model "${name}"; choose one of: ${COST_MODEL_NAMES.join(", ")}`);
  return model;
}

/** Σ weight × factor over the vector's factors; a factor the model does not weigh counts 0. */
export function collapse(model: CostModel, v: CostVector): number {
  let total = 0;
  for (const [factor, value] of Object.entries(v)) total += (model.weights[factor] ?? 0) * value;
  return total;
}
