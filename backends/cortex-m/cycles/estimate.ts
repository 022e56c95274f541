import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../../../src/errors.js";
import { runFirmware, type TargetRun } from "../qemu.js";
import type { CortexMVariant } from "../variants.js";
import { symbolAddress } from "./mark-address.js";
import { cycleWindows, parseCycleLog, type CycleWindows } from "./marks.js";
import { cyclesPlugin } from "./plugin-build.js";

/** The timing model's parameters (docs/cortex-m.md, "Estimating cycles"). */
export interface CycleOptions {
  /** Flash wait states: added to every taken branch's target fetch and every data read from flash. */
  readonly waitStates: number;
  /** Pipeline refill P of a taken branch, 1..3 in the Cortex-M4 TRM; 2 when not given. */
  readonly refill?: number;
}

/** Plugin figures next to the QEMU run they come from. */
export interface CycleEstimate extends CycleWindows {
  readonly waitStates: number;
  readonly refill: number;
  /**
   * The QEMU run itself: outputs and the counter's -icount figures for the same windows (±40/(N-1)),
   * the cross-check of the plugin's count. A measurement needs no second run.
   */
  readonly run: TargetRun;
}

/** The MPS2 image's flash region (mps2.ld: code and constants in the 4 MB at 0). */
const FLASH_END = 0x400000;

/**
 * Runs `dir/elf` (a built runner.elf or runner-profile.elf) under QEMU with -icount and the
 * egret-cycles plugin, and returns the estimate per inference (and per kernel call for the profile
 * build) with the -icount count of the same run.
 */
export function estimateCycles(dir: string, elf: string, variant: CortexMVariant, inputs: readonly Uint8Array[], inferences: number, outputCount: number, options: CycleOptions): CycleEstimate {
  const refill = options.refill ?? 2;
  if (!Number.isInteger(options.waitStates) || options.waitStates < 0) fail("bad-option", "option --wait-states", `"${options.waitStates}" must be a whole number >= 0`);
  if (!Number.isInteger(refill) || refill < 1 || refill > 3) fail("bad-option", "cycle estimate option refill", `"${refill}" must be 1, 2 or 3 (the Cortex-M4 pipeline refill)`);
  const log = join(dir, "cycles.txt");
  rmSync(log, { force: true });
  // Relative to `dir` (QEMU's working directory), like the runner's own paths: no commas or spaces.
  // Windows are marked at the entry of eg_mark (counter.h), by PC: see cycles-plugin.c for why.
  const mark = `0x${symbolAddress(join(dir, elf)).toString(16)}`;
  const plugin = `${cyclesPlugin()},out=cycles.txt,wait=${options.waitStates},refill=${refill},flash_end=${FLASH_END},mark=${mark}`;
  const run = runFirmware(dir, elf, variant, inputs, inferences, outputCount, ["-plugin", plugin]);
  const subject = `cycle estimate of ${join(dir, elf)}`;
  const windows = cycleWindows(parseCycleLog(readFileSync(log, "utf8"), subject), inferences, subject, run.callSlots);
  return {
    ...windows,
    waitStates: options.waitStates,
    refill,
    run,
  };
}
