import type { EstimatedCycles, MeasureRequest } from "../../../src/pipeline/target.js";
import { runFirmware, type TargetRun } from "../qemu.js";
import type { CortexMVariant } from "../variants.js";
import { estimateCycles, type CycleEstimate } from "./estimate.js";

/** What the estimate applies (docs/cortex-m.md, "Estimating cycles"). */
const TIMING_MODEL = "Cortex-M4 TRM timing table (egret-cycles QEMU plugin, refill P = 2)";

/** One QEMU run of a built firmware, with the estimate's figures when the request asks for them. */
export interface MeasuredRun {
  readonly run: TargetRun;
  /** The plugin's figures of the same run, when the request asks for them. */
  readonly estimate?: CycleEstimate;
}

/**
 * Runs `harness/elf` under QEMU once. With `request.cycleEstimate` on the cortex-m4 variant (the
 * only one with a timing model: the M7 is dual-issue, the M0+ build runs on an M3 board), the run
 * carries the egret-cycles plugin, so the instruction counts and the estimate come from the same run.
 */
export function runMeasured(variant: CortexMVariant, harness: string, elf: "runner.elf" | "runner-profile.elf", request: MeasureRequest, outputCount: number): MeasuredRun {
  if (request.cycleEstimate === undefined || variant.name !== "cortex-m4") {
    return { run: runFirmware(harness, elf, variant, request.inputs, request.inferences, outputCount) };
  }
  const estimate = estimateCycles(harness, elf, variant, request.inputs, request.inferences, outputCount, { waitStates: request.cycleEstimate.waitStates });
  return { run: estimate.run, estimate };
}

/**
 * The profiling build's run (runner-profile.elf), always under the egret-cycles plugin: its per-op
 * instructions are exact and the same under any host load, being counted between executions of the
 * marker's PC. The counter's per-op ticks are multiples of 40/N instructions and, before sleep=off
 * (ICOUNT_OPTIONS), came out a tick apart from run to run while the plugin's counts of the same runs
 * were identical (docs/cortex-m.md, "Per-op profiling"). The run's estimate is kept when the
 * request asks for one on cortex-m4; on the other variants only the instructions count.
 */
export function runProfiled(variant: CortexMVariant, harness: string, request: MeasureRequest, outputCount: number): { measured: MeasuredRun; opInstructions: number[] } {
  const asked = request.cycleEstimate !== undefined && variant.name === "cortex-m4";
  const waitStates = asked ? request.cycleEstimate!.waitStates : 0;
  const estimate = estimateCycles(harness, "runner-profile.elf", variant, request.inputs, request.inferences, outputCount, { waitStates });
  return { measured: asked ? { run: estimate.run, estimate } : { run: estimate.run }, opInstructions: estimate.opInstructions ?? [] };
}

/** The measurement's `estimatedCycles`: the main run's figures, per kernel call from the profile run. */
export function estimatedCycles(main: MeasuredRun, profiled: MeasuredRun | undefined): EstimatedCycles | undefined {
  const est = main.estimate;
  if (est === undefined) return undefined;
  const perOp = profiled?.estimate?.opCycles;
  return { perInference: est.cyclesPerInference, instructionsPerInference: est.instructionsPerInference, waitStates: est.waitStates, model: TIMING_MODEL, ...(perOp === undefined ? {} : { perOp }) };
}
