import { emitModel } from "../../src/codegen/emit-model.js";
import { compileGraph } from "../../src/compile.js";
import { fail } from "../../src/errors.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import type { ProgressListener } from "../../src/progress.js";
import { writeOutputDir } from "../../src/output.js";
import { isAliasNode } from "../../src/schedule/storage.js";
import { cortexMFiles, HARNESS_FOLDER, harnessDir, PROFILE_SOURCE } from "./files.js";
import { buildFirmware, runFirmware, type TargetRun } from "./qemu.js";
import { sizeReport, type SizeReport } from "./size-report.js";
import { findVariant, CORTEX_M_VARIANTS, type CortexMVariant } from "./variants.js";

/** "optimised": the target as compiled (its lowering rules and kernels); "generic": the same target without its rules (generic kernels). */
export type KernelSet = "optimised" | "generic";

export interface TargetMeasureOptions {
  readonly target: string;
  readonly kernels?: KernelSet;
  /** Raw input bytes, one per model input. */
  readonly inputs: readonly Uint8Array[];
  /** Inferences per run (>= 2 to exclude the harness exactly; default 2). */
  readonly inferences?: number;
  /** Also build and run the profiling image for per-kernel instructions. */
  readonly perOp?: boolean;
  /** Build folder (created; its files are replaced). */
  readonly dir: string;
  readonly sourceName?: string;
  /** Largest arena in bytes (`--sram-budget`): the optimised program is chosen to fit it. */
  readonly sramBudget?: number;
  /** Progress: compiling, building and each QEMU run (`done` counts the steps of this measurement). */
  readonly onProgress?: ProgressListener;
}

export interface OpMeasurement {
  readonly node: Node;
  readonly instructions: number;
}

export interface TargetMeasurement {
  readonly variant: CortexMVariant;
  readonly kernels: KernelSet;
  /** The program that was built. */
  readonly program: Graph;
  readonly run: TargetRun;
  readonly size: SizeReport;
  /** Per kernel call with `perOp` (profiling adds 2 counter reads per call: a few instructions). */
  readonly ops?: OpMeasurement[];
}

export function cortexMVariant(target: string): CortexMVariant {
  const variant = findVariant(target);
  if (variant === undefined) fail("bad-option", "option --target", `"${target}" is not a Cortex-M target; choose one of: ${CORTEX_M_VARIANTS.map((v) => v.name).join(", ")}`);
  return variant;
}

/** Compiles `graph` for a Cortex-M target, cross-builds it, runs it under QEMU and measures it. */
export function measureOnTarget(graph: Graph, options: TargetMeasureOptions): TargetMeasurement {
  const variant = cortexMVariant(options.target);
  const kernels = options.kernels ?? "optimised";
  const sourceName = options.sourceName ?? graph.name;
  if (options.inputs.length !== graph.inputs.length) fail("bad-option", "option --input", `the model has ${graph.inputs.length} inputs, got ${options.inputs.length} files`);
  // Generic: the program extracted without the target's rules, weighed by the same cost model.
  const steps = options.perOp === true ? 5 : 3;
  const progress = (done: number, task: string) => options.onProgress?.({ task, done, total: steps, detail: `${kernels} kernels` });
  progress(0, "compiling");
  const compiled = compileGraph(graph, { target: variant.name, sourceName, ...(kernels === "optimised" ? {} : { targetRules: false }), ...(options.sramBudget === undefined ? {} : { sramBudget: options.sramBudget }) });
  const program = compiled.graph;
  const model = emitModel(program, { sourceName });
  const files = cortexMFiles(variant, model, program);
  if (options.perOp === true) files.set(`${HARNESS_FOLDER}/${PROFILE_SOURCE}`, emitModel(program, { sourceName, profile: true }).modelC);
  writeOutputDir(options.dir, files);
  // Builds, runs and the size report happen in the harness folder (its Makefile, obj/ and run/).
  const harness = harnessDir(options.dir);
  progress(1, "building firmware");
  buildFirmware(harness, "runner.elf");
  const inferences = options.inferences ?? 2;
  progress(2, "running under QEMU");
  const run = runFirmware(harness, "runner.elf", variant, options.inputs, inferences, graph.outputs.length);
  const size = sizeReport(harness, "runner.elf", model.plan.arena.size);
  if (options.perOp !== true) return { variant, kernels, program, run, size };
  progress(3, "building the profiling firmware");
  buildFirmware(harness, "runner-profile.elf");
  progress(4, "profiling under QEMU");
  const profiled = runFirmware(harness, "runner-profile.elf", variant, options.inputs, inferences, graph.outputs.length);
  const nodes = kernelNodes(program);
  const counts = profiled.opInstructions ?? [];
  if (counts.length !== nodes.length) fail("internal", `profile of ${sourceName}`, `recorded ${counts.length} kernel calls, the program has ${nodes.length}`);
  return { variant, kernels, program, run, size, ops: nodes.map((node, i) => ({ node, instructions: counts[i]! })) };
}

/** The nodes that emit code, in run order: the k of EGRET_PROFILE_BEGIN(k) (see emit-model). */
export function kernelNodes(program: Graph): Node[] {
  const outputs = new Set(program.outputs.map((o) => o.name));
  return program.nodes.filter((n) => !isAliasNode(n, outputs));
}
