import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { anomalyDetectionAutoencoder, int8Input } from "../../bench/constructed-models.js";
import { estimateCycles } from "../../backends/cortex-m/cycles/estimate.js";
import { cycleWindows, parseCycleLog } from "../../backends/cortex-m/cycles/marks.js";
import { cyclesPlugin } from "../../backends/cortex-m/cycles/plugin-build.js";
import { harnessDir, HARNESS_DIR } from "../../backends/cortex-m/files.js";
import { findVariant } from "../../backends/cortex-m/variants.js";
import { egret } from "../../src/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * The egret-cycles QEMU plugin: it builds with -Werror; on a loop of known instructions
 * (test/fixtures/cycles/timed-loop.S) its window holds exactly the instructions of the loop, the
 * -icount counter agrees within its 40-instruction tick, and the cycles equal the hand count of the
 * Cortex-M4 table (load pipelining, UDIV, taken-branch refill, flash wait states on taken branches);
 * on a constructed model its per-inference and per-op instruction counts agree with -icount.
 */
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "egret-cycles-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const FIXTURES = join(PACKAGE_ROOT, "test", "fixtures", "cycles");
const N = 1000;

async function timedLoop(elf: string, plugin: string, wait: number, refill: number) {
  const out = `cycles-w${wait}-p${refill}.txt`;
  const args = ["-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none", "-icount", "shift=0", "-semihosting-config", `enable=on,target=native,arg=loop,arg=${N}`];
  const r = await run("qemu-system-arm", [...args, "-plugin", `${plugin},out=${out},wait=${wait},refill=${refill}`, "-kernel", elf], { cwd: work, timeout: CHILD_TIMEOUT_MS });
  const ticks = /ticks=(\d+)/.exec(`${r.stdout}${r.stderr}`);
  expect(ticks, "the loop program prints its counter ticks").not.toBeNull();
  const log = parseCycleLog(readFileSync(join(work, out), "utf8"), out);
  expect(log.marks).toHaveLength(2);
  const [a, b] = log.marks;
  return { ticks: Number(ticks![1]), instructions: b!.instructions - a!.instructions, cycles: b!.cycles - a!.cycles };
}

describe("egret-cycles QEMU plugin", () => {
  it("builds with -Wall -Wextra -Werror -pedantic and is cached by source hash", () => {
    const so = cyclesPlugin(work);
    expect(existsSync(so)).toBe(true);
    expect(cyclesPlugin(work)).toBe(so);
  });

  it("counts a loop of known instructions exactly and applies the Cortex-M4 timings", async () => {
    const elf = join(work, "loop.elf");
    const cflags = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror"];
    const link = ["-T", join(HARNESS_DIR, "mps2.ld"), "-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs"];
    const sources = [join(FIXTURES, "timed-loop-main.c"), join(FIXTURES, "timed-loop.S"), join(HARNESS_DIR, "startup.c"), join(HARNESS_DIR, "semihost.c")];
    await run("arm-none-eabi-gcc", [...cflags, `-I${HARNESS_DIR}`, ...link, "-o", elf, ...sources], { timeout: CHILD_TIMEOUT_MS });
    const plugin = cyclesPlugin(work);
    const base = await timedLoop(elf, plugin, 0, 2);
    // 8 instructions per iteration, the MOVS before the loop and the closing counter read.
    expect(base.instructions).toBe(8 * N + 2);
    // -icount: the counter advances once per 40 instructions, so the two counts differ by less than a tick.
    expect(Math.abs(base.ticks * 40 - base.instructions)).toBeLessThan(40);
    // Per iteration LDR 2 + pipelined LDR 1 + ADD 1 + MUL 1 + UDIV 12 + STR 1 + SUBS 1 + BNE 1 = 20,
    // + P = 2 on the N - 1 taken branches; MOVS 1 before the loop and the final LDR 2.
    expect(base.cycles).toBe(1 + 20 * N + 2 * (N - 1) + 2);
    const slowFlash = await timedLoop(elf, plugin, 3, 1);
    expect(slowFlash.instructions).toBe(8 * N + 2);
    expect(slowFlash.cycles).toBe(1 + 20 * N + (1 + 3) * (N - 1) + 2);
  });

  it("on a constructed model, agrees with -icount per inference and per op (AD autoencoder)", () => {
    const graph = anomalyDetectionAutoencoder();
    const dir = join(work, "ad");
    const inputs = [int8Input(graph, 7)];
    const m = egret.measure(graph, "cortex-m4", { kernels: "optimised", inputs, dir, inferences: 2, perOp: true, sourceName: graph.name });
    const variant = findVariant("cortex-m4")!;
    const est = estimateCycles(harnessDir(dir), "runner.elf", variant, inputs, 2, graph.outputs.length, { waitStates: 0 });
    // Runs with and without the plugin read the counter at a different phase of its 40-instruction tick.
    expect(Math.abs(est.icountInstructionsPerInference - m.instructionsPerInference)).toBeLessThanOrEqual(40);
    expect(Math.abs(est.instructionsPerInference - est.icountInstructionsPerInference)).toBeLessThanOrEqual(40);
    expect(est.cyclesPerInference).toBeGreaterThan(est.instructionsPerInference);
    const prof = estimateCycles(harnessDir(dir), "runner-profile.elf", variant, inputs, 2, graph.outputs.length, { waitStates: 0 });
    expect(prof.opCycles).toHaveLength(m.perOp!.length);
    prof.opInstructions!.forEach((insns, k) => {
      expect(Math.abs(insns - prof.icountOpInstructions![k]!), `op ${k}`).toBeLessThanOrEqual(40);
      expect(prof.opCycles![k]!).toBeGreaterThanOrEqual(insns);
    });
    const slow = estimateCycles(harnessDir(dir), "runner.elf", variant, inputs, 2, graph.outputs.length, { waitStates: 5 });
    expect(slow.cyclesPerInference, "weights in flash: wait states add cycles").toBeGreaterThan(est.cyclesPerInference);
    expect(slow.instructionsPerInference).toBe(est.instructionsPerInference);
  });

  it("splits the marks into inference and per-op windows", () => {
    // N = 2 inferences of 1 kernel call: T0, B, E, T1, B, E, T2.
    const text = ["egret-cycles insns=0 cycles=0 marks=7 refill=2 wait=0", ...[0, 1, 4, 6, 7, 11, 13].map((v, i) => `egret-mark ${i} ${v} ${v * 3}`)].join("\n");
    const w = cycleWindows(parseCycleLog(text, "test"), 2, "test");
    expect(w.instructionsPerInference).toBe(7);
    expect(w.cyclesPerInference).toBe(21);
    expect(w.opInstructions).toEqual([(3 + 4) / 2]);
    expect(w.opCycles).toEqual([(9 + 12) / 2]);
  });
});
