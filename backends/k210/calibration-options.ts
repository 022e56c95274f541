/**
 * `egret compile --target k210 --calib PATH`: the K210 target quantises its KPU layers itself (uint8
 * with the KPU's own parameterisation, backends/k210/kpu-quantize.ts), so --calib feeds that
 * calibration instead of --quantize's. Without --calib the target keeps its loud warning and
 * calibrates on seeded random inputs.
 */
import { fail } from "../../src/errors.js";
import type { Graph } from "../../src/ir/graph.js";
import type { Tensor } from "../../src/ir/tensor.js";
import { readSamples, type QuantizeCliOptions } from "../../src/cli/quantize-options.js";

/** Reads --calib for the k210 target (same loaders and image options as --quantize); undefined without it. */
export function k210CalibrationFromOptions(graph: Graph, opts: QuantizeCliOptions): readonly (readonly Tensor[])[] | undefined {
  if (opts.quantize !== undefined) {
    fail("bad-option", "option --quantize", "--target k210 quantises the KPU layers itself (uint8, K210-KPU.md §3.6); drop --quantize and give --calib PATH");
  }
  return opts.calib === undefined ? undefined : readSamples(graph, opts.calib, opts);
}
