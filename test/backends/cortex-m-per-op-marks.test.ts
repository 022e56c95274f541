import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { anomalyDetectionAutoencoder, int8Input } from "../../bench/constructed-models.js";
import { estimateCycles } from "../../backends/cortex-m/cycles/estimate.js";
import { symbolAddress } from "../../backends/cortex-m/cycles/mark-address.js";
import { cycleWindows, parseCycleLog } from "../../backends/cortex-m/cycles/marks.js";
import { cyclesPlugin } from "../../backends/cortex-m/cycles/plugin-build.js";
import { harnessDir } from "../../backends/cortex-m/files.js";
import { runFirmware } from "../../backends/cortex-m/qemu.js";
import { findVariant } from "../../backends/cortex-m/variants.js";
import { egret } from "../../src/index.js";

/**
 * Per-op profiling gives the same figures on every run, whatever the host's load (docs/cortex-m.md,
 * "Per-op profiling"). It did not, for two reasons: under `-icount shift=0` alone QEMU 7.2 also
 * advances the virtual clock by host real time (its icount warp), so a kernel call's counter ticks
 * moved by a tick or two between runs (ICOUNT_OPTIONS now adds sleep=off); and per-op figures were
 * those ticks, multiples of 40 / N. They now come from the egret-cycles plugin's marks at the PC of
 * eg_mark (counter.h), exact counts; the plugin marked at the counter's device reads before, which
 * under -icount QEMU re-executes from a block re-translated for I/O.
 */
const work = mkdtempSync(join(tmpdir(), "egret-per-op-marks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const graph = anomalyDetectionAutoencoder();
const inputs = [int8Input(graph, 7)];
const variant = findVariant("cortex-m4")!;
const N = 2;

function measure(dir: string) {
  return egret.measure(graph, "cortex-m4", { kernels: "optimised", inputs, dir: join(work, dir), inferences: N, perOp: true, sourceName: graph.name });
}

describe("per-op profiling marks", () => {
  const first = measure("a");
  const harness = harnessDir(join(work, "a"));

  it("gives exact per-op instructions, the same in two builds and runs, that sum within the inference", () => {
    const ops = first.perOp!.map((op) => op.instructions);
    expect(measure("b").perOp!.map((op) => op.instructions)).toEqual(ops);
    expect(ops.every((v) => Number.isInteger(v) && v > 0)).toBe(true);
    // Counter ticks give multiples of 40 / N instructions; exact counts need not be.
    expect(ops.some((v) => v % (40 / N) !== 0), `per-op instructions ${ops.join(" ")}`).toBe(true);
    // The profile build's inference (plugin, T1..T2) holds every call's window plus the glue between them.
    const profile = estimateCycles(harness, "runner-profile.elf", variant, inputs, N, graph.outputs.length, { waitStates: 0 });
    expect(profile.opInstructions).toEqual(ops);
    const sum = ops.reduce((a, b) => a + b, 0);
    const glue = profile.instructionsPerInference - sum;
    expect(glue).toBeGreaterThanOrEqual(0);
    // The glue: model_run's own code and, per call, the hooks' slot note and tick sum (AD: 249 for 10 calls).
    expect(glue, "glue between the calls' windows").toBeLessThan(32 * ops.length + 64);
    // The measurement's whole-model count (runner.elf, counter ticks, no profile hooks) agrees.
    expect(Math.abs(first.instructionsPerInference - sum), `whole model ${first.instructionsPerInference}, per-op sum ${sum}`).toBeLessThan(40 + 16 * ops.length);
  });

  it("reads the same counter ticks per kernel call in every run (-icount sleep=off)", () => {
    const runs = [0, 1, 2].map(() => runFirmware(harness, "runner-profile.elf", variant, inputs, N, graph.outputs.length));
    for (const r of runs.slice(1)) {
      expect(r.opInstructions).toEqual(runs[0]!.opInstructions);
      expect(r.instructionsPerInference).toBe(runs[0]!.instructionsPerInference);
    }
  });

  it("marks the same instructions however QEMU splits translation blocks (one instruction per block)", () => {
    // Where QEMU cuts blocks can follow host timing (exits at icount deadlines); -singlestep fixes
    // the cuts at the other extreme, deterministically.
    const marks = (name: string, extra: readonly string[]) => {
      const plugin = `${cyclesPlugin()},out=${name},mark=0x${symbolAddress(join(harness, "runner-profile.elf")).toString(16)}`;
      runFirmware(harness, "runner-profile.elf", variant, inputs, N, graph.outputs.length, [...extra, "-plugin", plugin]);
      return parseCycleLog(readFileSync(join(harness, name), "utf8"), name);
    };
    const blocks = marks("blocks.txt", []);
    const single = marks("single.txt", ["-singlestep"]);
    expect(single.marks.map((m) => m.instructions)).toEqual(blocks.marks.map((m) => m.instructions));
    expect(cycleWindows(single, N, "single").opInstructions).toEqual(first.perOp!.map((op) => op.instructions));
  });
});
