import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";
import { emptyStats, observeHistogram, observeRange, type TensorStats } from "./stats.js";
import { runGraph } from "../interp/run.js";

/** How budget errors name a calibration or evaluation run of the interpreter. */
export const CALIBRATION_RUN = "calibration or evaluation (the traced interpreter)";

/** One calibration sample: a tensor per graph input, in graph input order. */
export type Sample = readonly Tensor[];

export interface CalibrationOptions {
  /** The ops the program may use. */
  readonly ops: OpRegistry;
  /** Collect histograms too (a second pass over the samples). */
  readonly histograms: boolean;
  /** Called after each evaluated sample: done so far and total evaluations (both passes). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs the float program over the samples in the reference evaluator and returns statistics for
 * every float32 tensor it computes (graph inputs included; constants are not observed: weights
 * get their own per-channel scales). Pass 1 finds each tensor's range; pass 2, when histograms
 * are asked for, bins every value over that range.
 */
export function calibrate(graph: Graph, samples: readonly Sample[], options: CalibrationOptions): Map<string, TensorStats> {
  if (samples.length === 0) fail("bad-option", "option --calib", "no calibration samples were found; give at least one input file");
  const stats = new Map<string, TensorStats>();
  const total = samples.length * (options.histograms ? 2 : 1);
  let done = 0;
  const observe = (pass: (s: TensorStats, t: Tensor) => void) => (name: string, t: Tensor) => {
    if (t.dtype !== "float32") return;
    let s = stats.get(name);
    if (!s) {
      s = emptyStats();
      stats.set(name, s);
    }
    pass(s, t);
  };
  for (const sample of samples) {
    runGraph(graph, sample, { ops: options.ops, visit: observe(observeRange), purpose: CALIBRATION_RUN });
    options.onProgress?.(++done, total);
  }
  if (options.histograms) {
    for (const sample of samples) {
      runGraph(graph, sample, { ops: options.ops, visit: observe((s, t) => observeHistogram(s, t)), purpose: CALIBRATION_RUN });
      options.onProgress?.(++done, total);
    }
  }
  return stats;
}
