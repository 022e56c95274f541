import type { EstimatedCycles, MeasureRequest } from "../../../src/pipeline/target.js";
import type { CortexMVariant } from "../variants.js";
import { estimateCycles } from "./estimate.js";

/** What the estimate applies (docs/cortex-m.md, "Estimating cycles"). */
const TIMING_MODEL = "Cortex-M4 TRM timing table (egret-cycles QEMU plugin, refill P = 2)";

/**
 * The measurement's cycle estimate: the egret-cycles plugin over the firmware just built in
 * `harness` (runner.elf; runner-profile.elf too with `perOp`). Only the cortex-m4 variant has a
 * timing model; the others return undefined (the M7 is dual-issue, the M0+ build runs on an M3 board).
 */
export function measuredCycles(variant: CortexMVariant, harness: string, request: MeasureRequest, outputCount: number): EstimatedCycles | undefined {
  if (request.cycleEstimate === undefined || variant.name !== "cortex-m4") return undefined;
  const options = { waitStates: request.cycleEstimate.waitStates };
  const run = estimateCycles(harness, "runner.elf", variant, request.inputs, request.inferences, outputCount, options);
  const estimate = { perInference: run.cyclesPerInference, instructionsPerInference: run.instructionsPerInference, waitStates: run.waitStates, model: TIMING_MODEL };
  if (!request.perOp) return estimate;
  const profiled = estimateCycles(harness, "runner-profile.elf", variant, request.inputs, request.inferences, outputCount, options);
  return { ...estimate, perOp: profiled.opCycles ?? [] };
}
