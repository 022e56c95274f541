/**
 * `egret compile --target k210 --calib PATH`: the K210 target quantises its KPU layers itself (uint8
 * with the KPU's own parameterisation, backends/k210/kpu-quantize.ts), so --calib feeds that
 * calibration instead of --quantize's. Without --calib the target keeps its loud warning and
 * calibrates on seeded random inputs.
 */
import { setK210Calibration } from "../../backends/k210/target.js";
import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import { readSamples, type QuantizeCliOptions } from "./quantize-options.js";

/** Reads --calib for the k210 target (same loaders and image options as --quantize) and returns the graph unchanged. */
export function k210CalibrationFromOptions(graph: Graph, opts: QuantizeCliOptions): Graph {
  if (opts.quantize !== undefined) {
    fail("bad-option", "option --quantize", "--target k210 quantises the KPU layers itself (uint8, K210-KPU.md §3.6); drop --quantize and give --calib PATH");
  }
  setK210Calibration(opts.calib === undefined ? undefined : readSamples(graph, opts.calib, opts));
  return graph;
}
