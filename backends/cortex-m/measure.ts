import { fail } from "../../src/errors.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";
import { writeOutputDir } from "../../src/output.js";
import type { CompileForMeasurement, Measurement, MeasureRequest, OpMeasurement, TargetMeasurement } from "../../src/pipeline/target.js";
import { isAliasNode } from "../../src/schedule/storage.js";
import { estimatedCycles, runMeasured, runProfiled, type MeasuredRun } from "./cycles/measured.js";
import { harnessDir } from "./files.js";
import { profiledRows } from "./per-op.js";
import { buildFirmware } from "./qemu.js";
import { sizeReport } from "./size-report.js";
import type { CortexMVariant } from "./variants.js";

/**
 * Measurement of a Cortex-M variant under QEMU: the library's compile (handed in by the caller),
 * a cross build, a run with -icount shift=0 that counts instructions, the image's flash and RAM,
 * and with `perOp` a profiled build's instructions per kernel call (the egret-cycles plugin's marks) next to the cost model's
 * prediction. "generic" kernels: the same compile without the target's rules (no DSP or blocked
 * float kernels). Progress: compiling, building and each QEMU run (`done` counts the steps).
 */
export function cortexMMeasurement(variant: CortexMVariant): TargetMeasurement {
  return {
    // Every variant has target rules (the blocked float kernels; DSP kernels on Armv7E-M).
    kernelSets: ["generic", "optimised"],
    measure: (graph, request, compile) => measureOnTarget(variant, graph, request, compile),
  };
}

function measureOnTarget(variant: CortexMVariant, graph: Graph, request: MeasureRequest, compile: CompileForMeasurement): Measurement {
  if (request.inputs.length !== graph.inputs.length) fail("bad-option", "option --input", `the model has ${graph.inputs.length} inputs, got ${request.inputs.length} files`);
  const steps = request.perOp ? 5 : 3;
  const progress = (done: number, task: string) => request.onProgress?.({ task, done, total: steps, detail: `${request.kernels} kernels` });
  progress(0, "compiling");
  const budget = request.sramBudget === undefined ? {} : { sramBudget: request.sramBudget };
  const compiled = compile(graph, { target: variant.name, sourceName: request.sourceName, targetRules: request.kernels === "optimised", profile: request.perOp, ...budget });
  const program = compiled.program;
  writeOutputDir(request.dir, compiled.files, { force: true });
  // Builds, runs and the size report happen in the harness folder (its Makefile, obj/ and run/).
  const harness = harnessDir(request.dir);
  progress(1, "building firmware");
  buildFirmware(harness, "runner.elf");
  progress(2, "running under QEMU");
  const main = runMeasured(variant, harness, "runner.elf", request, graph.outputs.length);
  const run = main.run;
  const measured = {
    machine: variant.machine,
    environment: `QEMU ${variant.machine}`,
    instructionsPerInference: run.instructionsPerInference,
    firstInferenceInstructions: run.firstInstructions,
    inferences: run.inferences,
    outputs: run.outputs,
    size: sizeReport(harness, "runner.elf", compiled.arenaBytes),
    program,
  };
  const withCycles = (profiled?: MeasuredRun) => {
    const cycles = estimatedCycles(main, profiled);
    return cycles === undefined ? {} : { estimatedCycles: cycles };
  };
  if (!request.perOp) return { ...measured, ...withCycles() };
  progress(3, "building the profiling firmware");
  buildFirmware(harness, "runner-profile.elf");
  progress(4, "profiling under QEMU");
  // Per-op instructions from the plugin's PC marks, not the counter's ticks (runProfiled says why).
  const { measured: profiledRun, opInstructions: counts } = runProfiled(variant, harness, request, graph.outputs.length);
  const rows = profiledRows(program, kernelNodes(program, compiled.ops), variant.costModel, compiled.ops);
  if (counts.length !== rows.length) fail("internal", `profile of ${request.sourceName}`, `recorded ${counts.length} profile rows, the program has ${rows.length}`);
  const perOp: OpMeasurement[] = rows.map((row, i) => ({ ...row, instructions: counts[i]! }));
  return { ...measured, perOp, ...withCycles(profiledRun) };
}

/** The nodes that emit code, in run order: the k of EGRET_PROFILE_BEGIN(k) (see emit-model). */
export function kernelNodes(program: Graph, ops: OpRegistry): Node[] {
  const outputs = new Set(program.outputs.map((o) => o.name));
  return program.nodes.filter((n) => !isAliasNode(n, outputs, ops));
}
