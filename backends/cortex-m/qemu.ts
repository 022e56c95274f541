import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../../src/errors.js";
import { failIfRegionOverflowed } from "./board.js";
import type { CortexMVariant } from "./variants.js";

/** What one QEMU run of runner.elf reports. */
export interface TargetRun {
  /** Raw bytes of each model output, in model order. */
  readonly outputs: Uint8Array[];
  readonly inferences: number;
  /** Instructions of the first inference (counter resolution: ±40). */
  readonly firstInstructions: number;
  /**
   * Instructions of one inference: (T(N) - T(1)) / (N - 1) over the N inferences of the run, so
   * ±40/(N-1); with N = 1, the first inference.
   */
  readonly instructionsPerInference: number;
  /** Profiling build only: instructions per profile slot k (ticks), averaged over the inferences. */
  readonly opInstructions?: number[];
  /** Profiling build only: the slot of each kernel call of one inference, in run order. */
  readonly callSlots?: number[];
}

/** Counter ticks to instructions: see backends/cortex-m/c/counter.h (1 ns per instruction, 25 MHz). */
const INSNS_PER_TICK = 40;
/**
 * -icount: one virtual nanosecond per instruction (shift=0), and sleep=off, without which QEMU 7.2
 * also advances the virtual clock by host real time (its icount warp), so the board counter read
 * at a window edge moved by a tick or two from run to run, more under load (docs/cortex-m.md).
 */
export const ICOUNT_OPTIONS = "shift=0,sleep=off";
/** A QEMU run that takes longer than this is stuck (person_detect's generic kernels take a few seconds). */
const QEMU_TIMEOUT_MS = 600_000;

/** `make -C dir target` with the cross compiler; a missing toolchain is named with its Debian package. */
export function buildFirmware(dir: string, target: "runner.elf" | "runner-profile.elf"): void {
  requireTool("arm-none-eabi-gcc", "gcc-arm-none-eabi libnewlib-arm-none-eabi");
  try {
    execFileSync("make", ["-s", "-C", dir, target], { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    failIfRegionOverflowed(`cross build in ${dir}`, err.stderr?.toString() ?? "");
    fail("internal", `cross build in ${dir}`, `make ${target} failed:\n${err.stderr?.toString() ?? String(e)}`);
  }
}

/**
 * Runs `dir/elf` under qemu-system-arm with -icount (ICOUNT_OPTIONS) on the variant's board, the inputs
 * copied into `dir/run/`, and returns outputs and instruction counts. `extraArgs` go to QEMU as
 * they are (the cycle estimate's `-plugin`).
 */
export function runFirmware(dir: string, elf: string, variant: CortexMVariant, inputs: readonly Uint8Array[], inferences: number, outputCount: number, extraArgs: readonly string[] = []): TargetRun {
  requireTool("qemu-system-arm", "qemu-system-arm");
  if (!Number.isInteger(inferences) || inferences < 1) fail("bad-option", "option --inferences", `"${inferences}" must be a whole number >= 1`);
  const runDir = join(dir, "run");
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(join(runDir, "out"), { recursive: true });
  const names = inputs.map((bytes, i) => {
    writeFileSync(join(runDir, `in${i}.bin`), bytes);
    return `run/in${i}.bin`;
  });
  // Paths are relative to `dir` (QEMU's working directory) so that they never contain spaces.
  const args = ["runner", "-n", String(inferences), ...names, "run/out"].map((a) => `,arg=${a}`).join("");
  const result = spawnSync(
    "qemu-system-arm",
    ["-M", variant.machine, "-nographic", "-monitor", "none", "-serial", "none", "-icount", ICOUNT_OPTIONS, "-semihosting-config", `enable=on,target=native${args}`, ...extraArgs, "-kernel", elf],
    { cwd: dir, encoding: "utf8", timeout: QEMU_TIMEOUT_MS },
  );
  const log = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  if (result.error !== undefined || result.status !== 0) {
    fail("internal", `QEMU ${variant.machine} run of ${join(dir, elf)}`, `exited with ${result.status ?? result.signal ?? String(result.error)}: ${log}`);
  }
  // QEMU prints the semihosting console on stdout or stderr depending on its chardev setup.
  const ticks = /egret-ticks inferences=(\d+) first=(\d+) total=(\d+)/.exec(log);
  if (ticks === null) fail("internal", `QEMU ${variant.machine} run of ${join(dir, elf)}`, `printed no egret-ticks line: ${log}`);
  const first = Number(ticks[2]);
  const total = Number(ticks[3]);
  const perInference = inferences === 1 ? first : (total - first) / (inferences - 1);
  const opTicks: number[] = [];
  for (const m of log.matchAll(/^egret-op (\d+) (\d+)$/gm)) opTicks[Number(m[1])] = Number(m[2]);
  const callSlots = profileCallSlots(log, inferences, `QEMU ${variant.machine} run of ${join(dir, elf)}`);
  const outputs = Array.from({ length: outputCount }, (_, i) => new Uint8Array(readFileSync(join(runDir, "out", `${i}.bin`))));
  return {
    outputs,
    inferences,
    firstInstructions: first * INSNS_PER_TICK,
    instructionsPerInference: perInference * INSNS_PER_TICK,
    ...(opTicks.length === 0 ? {} : { opInstructions: Array.from(opTicks, (t) => ((t ?? 0) * INSNS_PER_TICK) / inferences) }),
    ...(callSlots === undefined ? {} : { callSlots }),
  };
}

/** A profiling build's `egret-op-calls total=C` and `egret-op-call K` lines (runner.c): one inference's slots. */
function profileCallSlots(log: string, inferences: number, subject: string): number[] | undefined {
  const head = /^egret-op-calls total=(\d+)$/m.exec(log);
  if (head === null) return undefined;
  const total = Number(head[1]);
  const slots = Array.from(log.matchAll(/^egret-op-call (\d+)$/gm), (m) => Number(m[1]));
  if (total % inferences !== 0 || slots.length !== total / inferences) {
    fail("internal", subject, `recorded ${total} kernel calls over ${inferences} inferences and printed ${slots.length} call slots (at most EG_PROFILE_MAX_CALLS, profile.h, are kept)`);
  }
  return slots;
}

function requireTool(tool: string, debianPackages: string): void {
  const probe = spawnSync(tool, ["--version"], { stdio: "ignore" });
  if (probe.error !== undefined) fail("io", tool, `is not installed; install the Debian packages ${debianPackages} (scripts/setup.sh)`);
}
