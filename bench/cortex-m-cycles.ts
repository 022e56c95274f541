/**
 * The cycle estimate columns of `npm run bench:cortex-m`: the egret-cycles QEMU plugin run on the
 * firmware `egret.measure` just built (docs/cortex-m.md, "Estimating cycles"), next to X-CUBE-AI's
 * published cycles per inference on Cortex-M4 where the model has them.
 */
import { estimateCycles, type CycleEstimate } from "../backends/cortex-m/cycles/estimate.js";
import { harnessDir } from "../backends/cortex-m/files.js";
import { findVariant } from "../backends/cortex-m/variants.js";
import type { Graph } from "../src/index.js";

/** `--wait-states N` (default 0: the MPS2's SSRAM); the NUCLEO-L4R5ZI at 120 MHz runs its flash at 5. */
export function waitStatesFromArgs(argv: readonly string[]): number {
  const at = argv.indexOf("--wait-states");
  if (at < 0) return 0;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`bench:cortex-m --wait-states: "${String(argv[at + 1])}" must be a whole number >= 0`);
  return value;
}

/** The estimate of one measured build in `dir` (runner.elf, and runner-profile.elf with `perOp`); cortex-m4 only. */
export function benchCycles(target: string, dir: string, graph: Graph, input: Uint8Array, inferences: number, waitStates: number, perOp: boolean): { run: CycleEstimate; profile?: CycleEstimate } | undefined {
  const variant = findVariant(target);
  if (target !== "cortex-m4" || variant === undefined) return undefined;
  const harness = harnessDir(dir);
  const estimate = (elf: string) => estimateCycles(harness, elf, variant, [input], inferences, graph.outputs.length, { waitStates });
  const run = estimate("runner.elf");
  return perOp ? { run, profile: estimate("runner-profile.elf") } : { run };
}

/** Cells: estimated cycles, cycles per instruction, the plugin's instruction count against -icount, ratio to X-CUBE-AI. */
export function cycleCells(est: CycleEstimate | undefined, xcubeCycles: number | undefined): string[] {
  if (est === undefined) return ["-", "-", "-", "-"];
  const vs = xcubeCycles === undefined ? "-" : `${(est.cyclesPerInference / xcubeCycles).toFixed(3)}x`;
  const check = `${Math.round(est.instructionsPerInference - est.run.instructionsPerInference)}`;
  return [Math.round(est.cyclesPerInference).toString(), (est.cyclesPerInference / est.instructionsPerInference).toFixed(3), check, vs];
}

/** Per kernel call: the plugin's instructions and cycles (profiled build), one line each. */
export function formatOpCycles(names: readonly string[], profile: CycleEstimate): string {
  const insns = profile.opInstructions ?? [];
  const cycles = profile.opCycles ?? [];
  return insns.map((n, k) => `  ${String(k).padStart(3)} ${(names[k] ?? "?").padEnd(28)} ${Math.round(n).toString().padStart(10)} insns ${Math.round(cycles[k] ?? 0).toString().padStart(10)} cycles (${((cycles[k] ?? 0) / n).toFixed(2)}/insn)`).join("\n");
}
