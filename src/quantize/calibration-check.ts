import type { Sample } from "./calibrate.js";
import type { HeldOutCheck } from "./held-out-check.js";
import { LayerComparison, type LayerError } from "./layer-compare.js";
import { largestDrop, type LayerDrop } from "./layer-drop.js";
import { SqnrAccumulator } from "./metrics.js";
import type { PtqResult } from "./ptq.js";
import { SQNR_BOUND_CONFIDENCE } from "./sqnr-bound.js";

/** Below this output SQNR, on the calibration samples or held out from them, compile warns (docs/quantization.md). */
export const SQNR_WARNING_DB = 20;

/** How the integer program tracks the float one on the calibration samples (compile's guard-rail). */
export interface CalibrationCheck {
  readonly samples: number;
  /** The lowest output SQNR over the graph outputs (dB), and that output. */
  readonly outputSqnrDb: number;
  readonly output: string;
  readonly worstLayer?: LayerError;
  readonly largestDrop?: LayerDrop;
  /** The output SQNR on samples held out from fitting (held-out-check.ts); absent with one sample. */
  readonly heldOut?: HeldOutCheck;
}

/**
 * The figure the warning judges: the lower of the SQNR on the calibration samples and the lower
 * confidence bound of the SQNR on samples held out from fitting (held-out-check.ts).
 */
export function guardedSqnrDb(c: CalibrationCheck): number {
  return Math.min(c.outputSqnrDb, c.heldOut?.lowerBoundDb ?? Number.POSITIVE_INFINITY);
}

/** Runs both programs on the calibration samples: one pass of each, as `egret eval` does on its data. */
export function checkOnCalibration(q: PtqResult, samples: readonly Sample[]): CalibrationCheck {
  const layers = new LayerComparison(q.floatProgram, q.graph, q.copies, q.ops, q.floors);
  const outs = q.floatProgram.outputs.map(() => new SqnrAccumulator());
  for (const s of samples) {
    const { float, quantized } = layers.add(s);
    float.forEach((f, i) => outs[i]!.add(f.toNumbers(), quantized[i]!.toNumbers()));
  }
  const results = layers.results();
  let worstOut = 0;
  outs.forEach((o, i) => {
    if (o.db < outs[worstOut]!.db) worstOut = i;
  });
  const worstLayer = results.length > 0 ? results.reduce((a, b) => (b.sqnrDb < a.sqnrDb ? b : a)) : undefined;
  const drop = largestDrop(q.floatProgram, results);
  return {
    samples: samples.length,
    outputSqnrDb: outs[worstOut]?.db ?? Number.POSITIVE_INFINITY,
    output: q.floatProgram.outputs[worstOut]?.name ?? "",
    ...(worstLayer ? { worstLayer } : {}),
    ...(drop ? { largestDrop: drop } : {}),
  };
}

const db = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : "exact");

/**
 * The figures every quantization reports, and a warning naming the worst layer when either (the
 * calibration samples' SQNR, or the lower bound held out from fitting) is under SQNR_WARNING_DB.
 */
export function describeCalibrationCheck(c: CalibrationCheck): { readonly figure: string; readonly warning?: string } {
  const worst = c.worstLayer ? `; worst layer ${c.worstLayer.tensor} ${db(c.worstLayer.sqnrDb)}` : "";
  const held = c.heldOut
    ? `; held out from fitting (${c.heldOut.folds}-fold) ${db(c.heldOut.outputSqnrDb)}, ${100 * SQNR_BOUND_CONFIDENCE}% lower bound ${db(c.heldOut.lowerBoundDb)}`
    : "; one sample, so no held-out estimate: inputs unlike it may do worse";
  const figure = `quantized output ${c.output}: SQNR ${db(c.outputSqnrDb)} against the float model on the ${c.samples} calibration samples${worst}${held}`;
  const guarded = guardedSqnrDb(c);
  if (guarded >= SQNR_WARNING_DB) return { figure };
  const where = c.heldOut && c.heldOut.lowerBoundDb < c.outputSqnrDb ? `(${100 * SQNR_BOUND_CONFIDENCE}% lower bound on samples held out from fitting) ` : "";
  const drop = c.largestDrop ? `, SQNR drops most at ${c.largestDrop.tensor} (${db(c.largestDrop.fromDb)} -> ${db(c.largestDrop.toDb)})` : "";
  return {
    figure,
    warning:
      `output SQNR ${db(guarded)} ${where}is below ${SQNR_WARNING_DB} dB: the worst layer on the calibration samples is ${c.worstLayer?.tensor ?? c.output} (${db(c.worstLayer?.sqnrDb ?? c.outputSqnrDb)})${drop}. ` +
      "Try more or more representative --calib samples, --int16-budget, or --precision-overrides for that layer; `egret eval` shows every layer (docs/quantization.md).",
  };
}

/** The lines of the check as a tool prints them: the figures, then the warning when there is one. */
export function formatCalibrationCheck(c: CalibrationCheck): string[] {
  const { figure, warning } = describeCalibrationCheck(c);
  return [`egret: ${figure}`, ...(warning === undefined ? [] : [`egret: WARNING: ${warning}`])];
}
