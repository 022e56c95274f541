import type { Graph } from "../src/ir/graph.js";
import type { Sample } from "../src/quantize/calibrate.js";
import { SQNR_WARNING_DB } from "../src/quantize/calibration-check.js";
import { GPTQ_DAMPENING } from "../src/quantize/gptq.js";
import { MAX_GPTQ_FAN_IN } from "../src/quantize/hessian.js";
import { HELD_OUT_FOLDS } from "../src/quantize/held-out-check.js";
import { LayerComparison } from "../src/quantize/layer-compare.js";
import type { PtqResult } from "../src/quantize/ptq.js";
import { AUTO_TOLERANCE_DB } from "../src/quantize/ranges/auto.js";
import { DEFAULT_CALIBRATION_METHOD } from "../src/quantize/ranges/index.js";
import { KL_MAX_CLIPPED_SHARE, KL_MIN_VALUES_PER_LEVEL } from "../src/quantize/ranges/kl.js";
import { DEFAULT_PERCENTILE } from "../src/quantize/ranges/percentile.js";
import { SQNR_BOUND_CONFIDENCE, SQNR_BOUND_RESAMPLES } from "../src/quantize/sqnr-bound.js";
import { DEFAULT_WEIGHT_ROUNDING } from "../src/quantize/weight-rounding.js";

/** A dB figure with two decimals ("exact" for an infinite SQNR). */
export const db = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : "exact");

/** The settings every figure of bench:ptq uses unless its column says otherwise: the compiler's defaults. */
export function printSettings(): void {
  console.log("# bench:ptq");
  console.log("\nSettings: the defaults of `egret compile --quantize int8 --calib DATA`, the same for every network (no per-model tuning):");
  console.log(`- --calib-method ${DEFAULT_CALIBRATION_METHOD}: per tensor, the widest of the minmax / percentile ${DEFAULT_PERCENTILE} / kl / mse ranges whose squared error on the calibration histogram is within ${AUTO_TOLERANCE_DB} dB of the least`);
  console.log(`  (kl: a threshold per side, >= ${KL_MIN_VALUES_PER_LEVEL} values per level, at most ${100 * KL_MAX_CLIPPED_SHARE}% clipped)`);
  console.log(`- --weight-rounding ${DEFAULT_WEIGHT_ROUNDING}: dampening ${GPTQ_DAMPENING} of the mean diagonal, layers with fan-in <= ${MAX_GPTQ_FAN_IN} (wider: nearest)`);
  console.log("- weights int8 symmetric per output channel; activations int8 asymmetric; Add/Sub/Mul read only by a Relu/Clip fused with it; no --int16-budget");
  console.log(`- compile warns when the output SQNR on the calibration samples, or the ${100 * SQNR_BOUND_CONFIDENCE}% lower bound (${SQNR_BOUND_RESAMPLES} bootstrap resamples) of it on samples held out from fitting (${HELD_OUT_FOLDS}-fold, contiguous blocks), is below ${SQNR_WARNING_DB} dB`);
}

/** The lowest per-tensor SQNR of `q` against `program` on `samples`, with the tensor's name. */
export function worstLayer(program: Graph, q: PtqResult, samples: readonly Sample[]): string {
  const layers = new LayerComparison(program, q.graph, q.copies, q.ops, q.floors);
  for (const s of samples) layers.add(s);
  const results = layers.results();
  if (results.length === 0) return "-";
  const worst = results.reduce((a, b) => (b.sqnrDb < a.sqnrDb ? b : a));
  return `${db(worst.sqnrDb)} (${worst.tensor.length > 40 ? `...${worst.tensor.slice(-37)}` : worst.tensor})`;
}
