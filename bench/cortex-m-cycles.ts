/**
 * The cycle estimate columns of `npm run bench:cortex-m`: the egret-cycles QEMU plugin run on the
 * firmware `egret.measure` just built (docs/cortex-m.md, "Estimating cycles"), next to X-CUBE-AI's
 * published cycles per inference on Cortex-M4 where the model has them.
 */
import type { EstimatedCycles } from "../src/pipeline/target.js";

/** `--wait-states N` (default 0: the MPS2's SSRAM); the NUCLEO-L4R5ZI at 120 MHz runs its flash at 5. */
export function waitStatesFromArgs(argv: readonly string[]): number {
  const at = argv.indexOf("--wait-states");
  if (at < 0) return 0;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`bench:cortex-m --wait-states: "${String(argv[at + 1])}" must be a whole number >= 0`);
  return value;
}

/**
 * Cells: estimated cycles, cycles per instruction, the plugin's instruction count minus -icount's
 * (`icountInstructions`, the same QEMU run), ratio to X-CUBE-AI.
 */
export function cycleCells(est: EstimatedCycles | undefined, icountInstructions: number, xcubeCycles: number | undefined): string[] {
  if (est === undefined) return ["-", "-", "-", "-"];
  const vs = xcubeCycles === undefined ? "-" : `${(est.perInference / xcubeCycles).toFixed(3)}x`;
  const check = `${Math.round(est.instructionsPerInference - icountInstructions)}`;
  return [Math.round(est.perInference).toString(), (est.perInference / est.instructionsPerInference).toFixed(3), check, vs];
}

/** Per kernel call of the profiled build: -icount's instructions and the plugin's cycles, one line each. */
export function formatOpCycles(names: readonly string[], insns: readonly number[], cycles: readonly number[]): string {
  return insns.map((n, k) => `  ${String(k).padStart(3)} ${(names[k] ?? "?").padEnd(28)} ${Math.round(n).toString().padStart(10)} insns ${Math.round(cycles[k] ?? 0).toString().padStart(10)} cycles (${((cycles[k] ?? 0) / n).toFixed(2)}/insn)`).join("\n");
}
