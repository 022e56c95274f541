/**
 * The k210 pipeline's phases one at a time, for tests that look between them: extraction under the
 * k210 target (the shipped rules + rules/targets/k210.rules, the k210-kpu cost model), the target's
 * calibrated lowering, and its output files. Each is the library's own phase with the default
 * toolchain, so what a test sees here is what `compile(graph, { target: "k210" })` does.
 */
import { K210_EMIT_OPTIONS, k210Target } from "../../backends/k210/target.js";
import { optimizeModel, type Graph, type Tensor } from "../../src/index.js";
import { emitModel } from "../../src/emit/emit-model.js";
import { Diagnostics, type Diagnostic } from "../../src/pipeline/diagnostics.js";
import type { TargetOptionValues } from "../../src/pipeline/target.js";
import { OPS } from "../support/toolchain.js";

/** The float program extraction chooses for the k210 (KpuConv2DCandidate where the KPU wins). */
export function extractForK210(graph: Graph): Graph {
  return optimizeModel(graph, { target: "k210" });
}

/**
 * The k210 target's lowering with `calibration` (seeded random inputs when absent) and the plugin's
 * options (e.g. `{ inputType: "uint8", mean: [0.5], std: [0.5] }`), and its warnings.
 */
export function lowerK210(program: Graph, calibration?: readonly (readonly Tensor[])[], targetOptions: TargetOptionValues = {}): { program: Graph; diagnostics: readonly Diagnostic[] } {
  const diagnostics = new Diagnostics();
  const lowered = k210Target.lower!(program, { ops: OPS, diagnostics, targetOptions, ...(calibration === undefined ? {} : { calibration }) });
  return { program: lowered, diagnostics: diagnostics.all };
}

/** The k210 target's text output files of a lowered program (model_run returns the KPU status). */
export function k210Files(program: Graph): Map<string, string> {
  return k210Target.files(emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS }), program, { ops: OPS, diagnostics: new Diagnostics(), targetOptions: {} });
}
