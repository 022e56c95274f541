import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { failIfRegionOverflowed, MPS2_MEMORY } from "../../backends/cortex-m/board.js";
import { randomTensor } from "../support/graphs.js";
import { encodeOnnxModel } from "../support/onnx-builder.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * Issue 20, items 6 and 7: a Cortex-M compile that cannot fit the board is refused with the numbers
 * and no output folder; `--sram-budget` says what it traded; the closing lines give the target's
 * build and run commands and its flash/RAM; `--help` names every input format. Models are built here.
 */
const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const work = mkdtempSync(join(tmpdir(), "egret-fits-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function egret(...args: string[]) {
  const r = spawnSync("node", [EGRET, ...args], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** x[1,1,side,side] -> 1x1 Conv to 16 channels -> GlobalAveragePool: the arena holds 16 float maps. */
function wideConv(side: number): string {
  const path = join(work, `wide-${side}.onnx`);
  const bytes = encodeOnnxModel({
    inputs: [{ name: "x", dims: [1, 1, side, side] }],
    outputs: ["y"],
    initializers: { w: randomTensor([16, 1, 1, 1], 1) },
    nodes: [
      { op: "Conv", inputs: ["x", "w"], outputs: ["t"], name: "conv" },
      { op: "GlobalAveragePool", inputs: ["t"], outputs: ["y"], name: "pool" },
    ],
  });
  writeFileSync(path, bytes);
  return path;
}

describe("a Cortex-M model fits its board or is refused with the numbers", () => {
  it("refuses a 4 MB float arena for cortex-m0plus: exit 1, RAM need and board size, what to do, no output folder", () => {
    const out = join(work, "too-big");
    const r = egret("compile", wideConv(256), "--target", "cortex-m0plus", "-o", out);
    expect(r.code, r.err).toBe(1);
    // The arena holds the conv's 16x256x256 float output, plus a kernel's small scratch.
    const output = 16 * 256 * 256 * 4;
    const need = new RegExp(`^egret: error: target cortex-m0plus: the model needs \\d+ bytes of RAM \\(arena (\\d+) \\+ inputs/outputs \\d+ \\+ stack ${MPS2_MEMORY.stackReserveBytes}\\), more than the ${MPS2_MEMORY.ramBytes} bytes of QEMU mps2-an385`).exec(r.err);
    expect(need, r.err).not.toBeNull();
    expect(Number(need![1])).toBeGreaterThanOrEqual(output);
    expect(Number(need![1])).toBeLessThan(output + 1024);
    expect(r.err).toMatch(/--sram-budget/);
    expect(r.err).toMatch(/--quantize int8/);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses input/output buffers beyond RAM for cortex-m4 and points at the input shape, not the arena", () => {
    const path = join(work, "big-io.onnx");
    writeFileSync(path, encodeOnnxModel({ inputs: [{ name: "x", dims: [1, 8, 256, 256] }], outputs: ["y"], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"], name: "relu" }] }));
    const out = join(work, "big-io");
    const r = egret("compile", path, "--target", "cortex-m4", "-o", out);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/inputs\/outputs 4194304 .*mps2-an386; the input and output buffers are most of it: give a smaller input shape/);
    expect(existsSync(out)).toBe(false);
  });

  it("compiles one that fits and closes with the target's make targets and its flash/RAM against the board", () => {
    const out = join(work, "fits");
    const r = egret("compile", wideConv(32), "--target", "cortex-m4", "-o", out);
    expect(r.code, r.err).toBe(0);
    // The library at the top, the QEMU harness and its Makefile in harness/: the hint names both.
    const harness = join(out, "harness");
    const makefile = readFileSync(join(harness, "Makefile"), "utf8");
    expect(existsSync(join(out, "Makefile"))).toBe(false);
    expect(existsSync(join(out, "model.mk"))).toBe(true);
    // The hint names targets the generated Makefile has.
    expect(makefile).toMatch(/^runner\.elf:/m);
    expect(makefile).toMatch(/^run: runner\.elf$/m);
    expect(r.out).toContain(`library: ${out}   (model.c/.h and kernels for your firmware`);
    expect(r.out).toContain(`build: make -C ${harness}   (cross-builds runner.elf for QEMU mps2-an386`);
    expect(r.out).toContain(`run:   make -C ${harness} run ARGS='IN0.bin OUTDIR'   (paths relative to ${harness}`);
    expect(r.out).not.toMatch(/\/runner IN0/);
    const size = /flash (\d+) of (\d+) B .*RAM (\d+) of (\d+) B \(static data (\d+) with the arena's (\d+)/.exec(r.out);
    expect(size, r.out).not.toBeNull();
    expect(Number(size![2])).toBe(MPS2_MEMORY.flashBytes);
    expect(Number(size![4])).toBe(MPS2_MEMORY.ramBytes);
    expect(Number(size![1])).toBeGreaterThan(0);
    expect(Number(size![6])).toBeGreaterThanOrEqual(16 * 32 * 32 * 4);
    expect(Number(size![6])).toBeLessThan(16 * 32 * 32 * 4 + 1024);
    expect(Number(size![5])).toBeGreaterThanOrEqual(Number(size![6]));
  });

  it("the K210 closing lines name ./runner, runner-rv64 under qemu-riscv64 and its main SRAM", () => {
    const out = join(work, "k210");
    const r = egret("compile", wideConv(16), "--target", "k210", "-o", out);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(out, "Makefile"), "utf8")).toMatch(/^runner-rv64:/m);
    expect(r.out).toContain(`make -C ${out} runner-rv64`);
    expect(r.out).toContain(`qemu-riscv64 ${join(out, "runner-rv64")} IN0.bin OUTDIR`);
    expect(r.out).toMatch(/of the K210's 6291456 B main SRAM/);
    // The C program's memory is stated once (the closing memory line), not again among the k210 lines.
    expect(r.out.split("\n").filter((l) => /main RAM|KPU RAM/.test(l) && !l.includes("model.kmodel"))).toEqual([expect.stringMatching(/^memory: main RAM \d+ B \(arena \d+ \+ inputs\/outputs\) \+ weights \d+ B of the K210's 6291456 B main SRAM; KPU RAM \d+ of 2097152 B/)]);
  });
});

describe("a cross link that overflows the board", () => {
  it("is a fit error with the overflow and the board's size; other link failures pass through", () => {
    const ram = "ld: runner.elf section `.bss' will not fit in region `RAM'\nld: region `RAM' overflowed by 1234 bytes";
    expect(() => failIfRegionOverflowed("cross build in out", ram)).toThrow(/out: the build needs 1234 bytes more RAM than the board's 4194304 .*--sram-budget/);
    expect(() => failIfRegionOverflowed("cross build in out", "ld: region `FLASH' overflowed by 99 bytes")).toThrow(/99 bytes more FLASH than the board's 4194304 .*; quantize/);
    expect(() => failIfRegionOverflowed("cross build in out", "undefined reference to `foo'")).not.toThrow();
  });
});

describe("--sram-budget says what it traded", () => {
  // A sound user rule that trades a kernel call for a smaller arena (see test/optimizer/extract-sram.test.ts);
  // the checker cannot draw Slice instances without :check shapes, hence --no-check-rules.
  const rules = join(work, "slice-below-sigmoid.rules");
  writeFileSync(rules, "(rule slice-below-sigmoid (Slice (Sigmoid ?x) :* ?s) => (Sigmoid (Slice ?x :* ?s)))\n");
  const model = join(work, "two-halves.onnx");
  writeFileSync(
    model,
    encodeOnnxModel({
      opset: 9,
      inputs: [{ name: "x", dims: [1, 16] }],
      outputs: ["y1", "y2"],
      nodes: [
        { op: "Sigmoid", inputs: ["x"], outputs: ["t"], name: "sig" },
        { op: "Slice", inputs: ["t"], outputs: ["y1"], name: "lo", attrs: { starts: [0], ends: [8], axes: [1] } },
        { op: "Slice", inputs: ["t"], outputs: ["y2"], name: "hi", attrs: { starts: [8], ends: [16], axes: [1] } },
      ],
    }),
  );

  it("prints the unconstrained arena and cost against the chosen ones, and puts them in --json", () => {
    const text = egret("compile", model, "--rules", rules, "--no-check-rules", "--sram-budget", "48", "-o", join(work, "trade"));
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/--sram-budget 48: chose \S+ \(arena 32 B, predicted cost \d+\) over the unconstrained dag \S+ \(arena 64 B, predicted cost \d+\): 32 B less arena for \d+\.\d\dx the predicted cost/);
    const json = egret("compile", model, "--rules", rules, "--no-check-rules", "--sram-budget", "48", "--json", "-o", join(work, "trade-json"));
    expect(json.code, json.err).toBe(0);
    const trade = (JSON.parse(json.out) as { sramTrade: { budget: number; unconstrained: { arenaBytes: number; cost: number }; chosen: { arenaBytes: number; cost: number }; costRatio: number } }).sramTrade;
    expect(trade.budget).toBe(48);
    expect(trade.unconstrained.arenaBytes).toBe(64);
    expect(trade.chosen.arenaBytes).toBe(32);
    expect(trade.chosen.cost).toBeGreaterThan(trade.unconstrained.cost);
    expect(trade.costRatio).toBeCloseTo(trade.chosen.cost / trade.unconstrained.cost, 10);
  });

  it("says nothing was traded when the unconstrained program fits", () => {
    const r = egret("compile", model, "--rules", rules, "--no-check-rules", "--sram-budget", "64", "-o", join(work, "no-trade"));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/--sram-budget 64: the unconstrained program \S+ .*\(arena 64 B, predicted cost \d+\) fits; nothing traded/);
  });
});

describe("egret --help", () => {
  it("names every input format", () => {
    const r = egret("--help");
    expect(r.code).toBe(0);
    for (const format of ["ONNX", "TFLite", "Caffe", "TensorFlow GraphDef", "Keras"]) expect(r.out).toContain(format);
  });
});
