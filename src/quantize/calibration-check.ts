import type { Sample } from "./calibrate.js";
import { LayerComparison, type LayerError } from "./layer-compare.js";
import { largestDrop, type LayerDrop } from "./layer-drop.js";
import { SqnrAccumulator } from "./metrics.js";
import type { PtqResult } from "./ptq.js";

/** Below this output SQNR on the calibration samples, compile warns (docs/quantization.md). */
export const SQNR_WARNING_DB = 20;

/** How the integer program tracks the float one on the calibration samples (compile's guard-rail). */
export interface CalibrationCheck {
  readonly samples: number;
  /** The lowest output SQNR over the graph outputs (dB), and that output. */
  readonly outputSqnrDb: number;
  readonly output: string;
  readonly worstLayer?: LayerError;
  readonly largestDrop?: LayerDrop;
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

/** The figure every quantization reports, and a warning naming the worst layer when it is under SQNR_WARNING_DB. */
export function describeCalibrationCheck(c: CalibrationCheck): { readonly figure: string; readonly warning?: string } {
  const worst = c.worstLayer ? `; worst layer ${c.worstLayer.tensor} ${db(c.worstLayer.sqnrDb)}` : "";
  const figure = `quantized output ${c.output}: SQNR ${db(c.outputSqnrDb)} against the float model on the ${c.samples} calibration samples${worst}`;
  if (c.outputSqnrDb >= SQNR_WARNING_DB) return { figure };
  const drop = c.largestDrop ? `, SQNR drops most at ${c.largestDrop.tensor} (${db(c.largestDrop.fromDb)} -> ${db(c.largestDrop.toDb)})` : "";
  return {
    figure,
    warning:
      `output SQNR ${db(c.outputSqnrDb)} is below ${SQNR_WARNING_DB} dB: the worst layer is ${c.worstLayer?.tensor ?? c.output} (${db(c.worstLayer?.sqnrDb ?? c.outputSqnrDb)})${drop}. ` +
      "Try more or more representative --calib samples, --int16-budget, or --precision-overrides for that layer; `egret eval` shows every layer (docs/quantization.md).",
  };
}

/** The lines of the check as a tool prints them: the figure, then the warning when there is one. */
export function formatCalibrationCheck(c: CalibrationCheck): string[] {
  const { figure, warning } = describeCalibrationCheck(c);
  return [`egret: ${figure}`, ...(warning === undefined ? [] : [`egret: WARNING: ${warning}`])];
}
