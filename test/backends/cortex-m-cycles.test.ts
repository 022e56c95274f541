import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { anomalyDetectionAutoencoder, int8Input } from "../../bench/constructed-models.js";
import { estimateCycles } from "../../backends/cortex-m/cycles/estimate.js";
import { symbolAddress } from "../../backends/cortex-m/cycles/mark-address.js";
import { cycleWindows, parseCycleLog } from "../../backends/cortex-m/cycles/marks.js";
import { harnessDir, HARNESS_DIR } from "../../backends/cortex-m/files.js";
import { cyclesPlugin, CYCLES_PLUGIN_DIR } from "../../backends/cortex-m/cycles/plugin-build.js";
import { ICOUNT_OPTIONS } from "../../backends/cortex-m/qemu.js";
import { findVariant } from "../../backends/cortex-m/variants.js";
import { egret } from "../../src/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { randomTensor } from "../support/graphs.js";
import { encodeOnnxModel } from "../support/onnx-builder.js";
import { runProcess } from "../support/processes.js";
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

async function timedLoop(elf: string, plugin: string, wait: number, refill: number, marks = ["timed_loop_mark0", "timed_loop_mark1"]) {
  const out = `cycles-w${wait}-p${refill}-m${marks.length}.txt`;
  const markOptions = marks.map((name) => `,mark=0x${symbolAddress(elf, name).toString(16)}`).join("");
  const args = ["-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none", "-icount", ICOUNT_OPTIONS, "-semihosting-config", `enable=on,target=native,arg=loop,arg=${N}`];
  const r = await run("qemu-system-arm", [...args, "-plugin", `${plugin},out=${out},wait=${wait},refill=${refill}${markOptions}`, "-kernel", elf], { cwd: work, timeout: CHILD_TIMEOUT_MS });
  const ticks = /ticks=(\d+)/.exec(`${r.stdout}${r.stderr}`);
  expect(ticks, "the loop program prints its counter ticks").not.toBeNull();
  const log = parseCycleLog(readFileSync(join(work, out), "utf8"), out);
  if (marks.length === 0) return { ticks: Number(ticks![1]), marks: log.marks.length, instructions: 0, cycles: 0 };
  expect(log.marks).toHaveLength(2);
  const [a, b] = log.marks;
  return { ticks: Number(ticks![1]), marks: log.marks.length, instructions: b!.instructions - a!.instructions, cycles: b!.cycles - a!.cycles };
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
    // Marks are PCs, not counter reads: without mark= the two counter reads record nothing.
    expect((await timedLoop(elf, plugin, 0, 2, [])).marks).toBe(0);
  });

  it("on a constructed model, agrees with -icount per inference and per op (AD autoencoder)", () => {
    const graph = anomalyDetectionAutoencoder();
    const dir = join(work, "ad");
    const inputs = [int8Input(graph, 7)];
    const m = egret.measure(graph, "cortex-m4", { kernels: "optimised", inputs, dir, inferences: 2, perOp: true, sourceName: graph.name, cycleEstimate: { waitStates: 0 } });
    const variant = findVariant("cortex-m4")!;
    const est = m.estimatedCycles!;
    expect(Math.abs(est.instructionsPerInference - m.instructionsPerInference)).toBeLessThanOrEqual(40);
    expect(est.perInference).toBeGreaterThan(est.instructionsPerInference);
    expect(est.perOp).toHaveLength(m.perOp!.length);
    const prof = estimateCycles(harnessDir(dir), "runner-profile.elf", variant, inputs, 2, graph.outputs.length, { waitStates: 0 });
    expect(prof.opCycles).toEqual(est.perOp);
    prof.opInstructions!.forEach((insns, k) => {
      expect(Math.abs(insns - prof.run.opInstructions![k]!), `op ${k}`).toBeLessThanOrEqual(40);
      expect(prof.opCycles![k]!).toBeGreaterThanOrEqual(insns);
    });
    const slow = estimateCycles(harnessDir(dir), "runner.elf", variant, inputs, 2, graph.outputs.length, { waitStates: 5 });
    expect(Math.abs(slow.run.instructionsPerInference - slow.instructionsPerInference)).toBeLessThanOrEqual(40);
    expect(slow.instructionsPerInference).toBe(est.instructionsPerInference);
    expect(slow.cyclesPerInference, "weights in flash: wait states add cycles").toBeGreaterThan(est.perInference);
  });

  it("decodes the timing classes of the Cortex-M4 table (gcc-assembled encodings)", async () => {
    // [encoding as arm-none-eabi-as writes it, cycles, branch?]
    const table: [string, string, number, boolean][] = [
      ["smlal r0, r1, r2, r3", "fbc2:0103", 1, false], ["smull r0, r1, r2, r3", "fb82:0103", 1, false], ["umull r0, r1, r2, r3", "fba2:0103", 1, false],
      ["smlad r0, r1, r2, r3", "fb21:3002", 1, false], ["mla r0, r1, r2, r3", "fb01:3002", 1, false], ["sxtab16 r0, r1, r2", "fa21:f082", 1, false],
      ["sdiv r0, r1, r2", "fb91:f0f2", 12, false], ["ldmia r0!, {r1-r3}", "c80e", 4, false], ["ldmia.w r0!, {r1-r5}", "e8b0:003e", 6, false],
      ["pop {r4, r5, pc}", "bd30", 4, true], ["push {r4-r6, lr}", "b570", 5, false], ["ldrd r0, r1, [r2]", "e9d2:0100", 3, false],
      ["strd r0, r1, [r2, #8]", "e9c2:0102", 3, false], ["ldr.w r0, [r1, r2, lsl #2]", "f851:0022", 2, false], ["str r0, [r1, r2]", "5088", 2, false],
      ["str.w r0, [r1, #4]", "f8c1:0004", 1, false], ["ldrsb.w r0, [r1, #1]", "f991:0001", 2, false], ["tbb [r0, r1]", "e8d0:f001", 2, true],
      ["bx lr", "4770", 1, true], ["vmla.f32 s0, s1, s2", "ee00:0a81", 3, false], ["vfma.f32 s0, s1, s2", "eea0:0a81", 3, false],
      ["vadd.f32 s0, s1, s2", "ee30:0a81", 1, false], ["vdiv.f32 s0, s1, s2", "ee80:0a81", 14, false], ["vsqrt.f32 s0, s1", "eeb1:0ae0", 14, false],
      ["vldr s0, [r0, #4]", "ed90:0a01", 2, false], ["vldmia r0!, {s0-s3}", "ecb0:0a04", 5, false], ["vmov r0, s0", "ee10:0a10", 1, false],
      ["ldr r0, [pc, #4]", "4801", 2, false], ["ldrex r0, [r1]", "e851:0f00", 2, false], ["bl", "f7ff:fffe", 1, true], ["b.w", "f7ff:bffe", 1, true],
      ["beq.w", "f43f:affe", 1, true], ["cbz r0", "b110", 1, true], ["ldr.w pc, [sp], #4", "f85d:fb04", 2, true], ["adds r0, #1", "3001", 1, false],
    ];
    const exe = join(work, "decode");
    await run("gcc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", `-I${CYCLES_PLUGIN_DIR}`, "-o", exe, join(FIXTURES, "decode-main.c"), join(CYCLES_PLUGIN_DIR, "m4-timing.c")], { timeout: CHILD_TIMEOUT_MS });
    const decoded = (await run(exe, table.map((row) => row[1]), { timeout: CHILD_TIMEOUT_MS })).stdout.trim().split("\n").map((l) => l.split(" ").map(Number));
    table.forEach(([name, , cycles, branch], i) => {
      expect(decoded[i]![0], name).toBe(cycles);
      expect((decoded[i]![1]! & 1) === 1, `${name} branch`).toBe(branch);
    });
    // Pipelining: a load after an independent load takes 1; after a load of its base register, or after a store, 2.
    const seq = (await run(exe, ["680d", "684e", "6801", "680a", "608d", "680d"], { timeout: CHILD_TIMEOUT_MS })).stdout.trim().split("\n").map((l) => Number(l.split(" ")[2]));
    expect(seq).toEqual([2, 1, 1, 2, 1, 2]);
  });

  it("egret bench refuses --wait-states without --cycles, and a wait-state count that is not a whole number", async () => {
    const model = join(work, "add.onnx");
    writeFileSync(model, encodeOnnxModel({ inputs: [{ name: "x", dims: [1, 4] }], outputs: ["y"], initializers: { b: randomTensor([4], 3) }, nodes: [{ op: "Add", inputs: ["x", "b"], outputs: ["y"], name: "add" }] }));
    const egretCli = join(PACKAGE_ROOT, "bin", "egret.js");
    const alone = await runProcess([egretCli, "bench", model, "--target", "cortex-m4", "--wait-states", "5", "--quiet"]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain("option --wait-states: applies to the cycle estimate: add --cycles");
    const bad = await runProcess([egretCli, "bench", model, "--target", "cortex-m4", "--cycles", "--wait-states", "1.5", "--quiet"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`option --wait-states: "1.5" must be a whole number >= 0`);
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
