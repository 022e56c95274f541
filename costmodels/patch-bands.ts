import { planPatch } from "../src/ir/ops/quant/patch/plan.js";
import { addCosts } from "./program.js";
import type { CostModel, CostVector } from "./types.js";

/**
 * Prices QPatchBands (src/ir/ops/quant/patch/) as what its C does: every band's layers, each
 * priced by the model as the kernel call it is on the band's rows. Halo rows recomputed by
 * neighbouring bands and the extra calls are thus in the price. Each target plugin wraps its
 * own model with it.
 */
export function withPatchBandPrices(model: CostModel): CostModel {
  return {
    ...model,
    nodeCost(node, inputs, outputs, ops) {
      if (node.op !== "QPatchBands") return model.nodeCost(node, inputs, outputs, ops);
      let total: CostVector = {};
      for (const band of planPatch(node, inputs, ops).bands) for (const { call: c } of band) if (c !== undefined) total = addCosts(total, model.nodeCost(c.node, c.inputs, [c.output], ops));
      return total;
    },
  };
}
