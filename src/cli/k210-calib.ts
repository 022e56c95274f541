/**
 * `egret compile --target k210 --calib PATH`: the K210 target quantises its KPU layers itself (uint8
 * with the KPU's own parameterisation, backends/k210/kpu-quantize.ts), so --calib feeds that
 * calibration instead of --quantize's. Without --calib the target keeps its loud warning and
 * calibrates on seeded random inputs.
 */
import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import type { Tensor } from "../ir/tensor.js";
import { dataOptions, readSamples, type QuantizeCliOptions } from "./quantize-options.js";

/** Reads --calib for the k210 target (same loaders and image options as --quantize); undefined without it. */
export function k210CalibrationFromOptions(graph: Graph, opts: QuantizeCliOptions): readonly (readonly Tensor[])[] | undefined {
  if (opts.quantize !== undefined) {
    fail("bad-option", "option --quantize", "--target k210 quantises the KPU layers itself (uint8, K210-KPU.md §3.6); drop --quantize and give --calib PATH");
  }
  return opts.calib === undefined ? undefined : readSamples(graph, opts.calib, opts);
}

/**
 * `--input-type uint8` (k210 only): the pixel meaning x = (u/255 − mean)/std, from --mean/--std
 * (one value, or the same value for every channel: it becomes one uint8 quantisation). Undefined
 * for float32.
 */
export function k210Uint8Input(inputType: string, target: string, opts: QuantizeCliOptions): { mean: number; std: number } | undefined {
  if (inputType === "float32") return undefined;
  if (target !== "k210") fail("bad-option", "option --input-type", `uint8 inputs are a --target k210 option (the frame goes straight into KPU RAM); target ${target} takes the model's own input types`);
  const { mean, std } = dataOptions(opts);
  const one = (values: readonly number[] | undefined, name: string, dflt: number): number => {
    if (values === undefined) return dflt;
    if (values.some((v) => v !== values[0])) fail("bad-option", `option ${name}`, `--input-type uint8 folds one ${name.slice(2)} into the first KPU layer's quantisation; got different per-channel values ${values.join(",")}`);
    return values[0]!;
  };
  return { mean: one(mean, "--mean", 0), std: one(std, "--std", 1) };
}
