import type { Graph } from "../ir/graph.js";
import type { CalibrationCheck } from "../quantize/calibration-check.js";
import type { PtqResult } from "../quantize/ptq.js";
import { Diagnostics, type Diagnostic } from "./diagnostics.js";
import { optimizePhase } from "./optimize-phase.js";
import type { CompileOptions, QuantizeOptions } from "./options.js";
import { quantizePhase } from "./quantize-phase.js";
import { DEFAULT_TARGET, type Toolchain } from "./toolchain.js";

/**
 * The first phases of `compile` alone (optimize, quantize): the calibrated float program and the
 * integer program for the target, without lowering or emission. `egret eval` and the PTQ bench
 * compare the two.
 */
export function quantizeModel(toolchain: Toolchain, graph: Graph, options: CompileOptions & { readonly quantize: QuantizeOptions }): { readonly result: PtqResult; readonly check?: CalibrationCheck; readonly diagnostics: readonly Diagnostic[] } {
  const target = toolchain.target(options.target ?? DEFAULT_TARGET);
  const diagnostics = new Diagnostics();
  const floatProgram = optimizePhase({ toolchain, target, options }, graph, "float").graph;
  const { result, check } = quantizePhase(floatProgram, options.quantize, options.calibration, toolchain.ops, diagnostics, options.onProgress);
  return { result, ...(check === undefined ? {} : { check }), diagnostics: diagnostics.all };
}
