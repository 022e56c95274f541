/**
 * The device KPU driver (runtime-c/kpu/kpu_device.c, built with -DEG_KPU_DEVICE) against the host
 * simulator path the generated C uses by default: the same compiled K210 programs, built twice from
 * their generated Makefile (`runner`: kpu_driver.c on the simulator; `runner-device-model`: the
 * device driver over kpu_model.c, a register-level KPU model that decodes the words written to the
 * layer FIFO and runs kpu_sim on them), with a harness main that also dumps the 2 MiB of KPU RAM.
 * Outputs and KPU RAM must be byte-identical, the model must have seen every layer and no protocol
 * slip; a layer that never signals calc_done makes model_run return EG_KPU_ERR_TIMEOUT; and the
 * driver cross-compiles bare-metal with riscv64-unknown-elf-gcc -ffreestanding.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { KPU_CONV2D_CANDIDATE } from "../../../backends/k210/ops/kpu-conv2d-candidate.js";
import { buildGraph, Tensor, writeOutputDir, type Graph } from "../../../src/index.js";
import type { TargetOptionValues } from "../../../src/pipeline/target.js";
import { SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { CHILD_TIMEOUT_MS } from "../../support/timeouts.js";
import { k210Files, lowerK210, stridedChainGraph } from "../k210-support.js";

const execFileAsync = promisify(execFile);
const REPO = join(import.meta.dirname, "..", "..", "..");
const HARNESS = readFileSync(join(import.meta.dirname, "kpu_ram_harness.c"), "utf8");
const KPU_RAM_BYTES = 2 * 1024 * 1024;
/** A small poll bound so the timeout case ends quickly; the model's default latency is 3 reads. */
const POLL_LIMIT = 1000;
/** ASan/UBSan for the float programs; the plain strict flags (a quicker build) for the uint8 and timeout ones. */
const CHECKED_CFLAGS = `${SANITIZE_CFLAGS} -ffp-contract=off -DEG_KPU_POLL_LIMIT=${POLL_LIMIT}UL`;
const QUICK_CFLAGS = `-O1 -std=c99 -Wall -Wextra -Werror -pedantic -ffp-contract=off -DEG_KPU_POLL_LIMIT=${POLL_LIMIT}UL`;
const DEVICE_FLAGS = ["-march=rv64imafdc", "-mabi=lp64d", "-std=c99", "-Wall", "-Wextra", "-Werror", "-ffreestanding"];
const DEVICE_CC = "/usr/bin/riscv64-unknown-elf-gcc";

const work = mkdtempSync(join(tmpdir(), "egret-kpu-device-"));
afterAll(() => { if (process.env["KEEP_KPU_WORK"] === undefined) rmSync(work, { recursive: true, force: true }); });

/**
 * Rows of 36 and 20 bytes (one 64-byte slot per row; two channels per line), neither a whole number
 * of 64-bit words, and a CPU Relu between two KPU calls that the output also reads.
 */
function wideGraph(): Graph {
  return buildGraph({
    name: "wide",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 3, 12, 36] }],
    outputs: ["y3", "r"],
    constants: new Map([
      ["w1", randomTensor([8, 3, 3, 3], 61, -0.5, 0.5)],
      ["b1", randomTensor([8], 62, -0.1, 0.1)],
      ["w2", randomTensor([6, 8, 1, 1], 63, -0.5, 0.5)],
      ["w3", randomTensor([4, 6, 3, 3], 64, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "c1", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1", "b1"], outputs: ["y1"], attrs: { pads: [1, 1, 1, 1], strides: [2, 2], activation: "Relu" } },
      { name: "c2", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "w2"], outputs: ["y2"], attrs: { activation: "Relu" } },
      { name: "relu", op: "Relu", inputs: ["y2"], outputs: ["r"], attrs: {} },
      { name: "c3", op: KPU_CONV2D_CANDIDATE, inputs: ["y2", "w3"], outputs: ["y3"], attrs: { pads: [1, 1, 1, 1] } },
    ],
  });
}

interface Built {
  readonly dir: string;
  readonly program: Graph;
  readonly kpuLayers: number;
}

/** Lowers and writes a program's k210 folder and builds `targets` (both runners) with the RAM-dumping harness. */
async function build(
  name: string,
  graph: Graph,
  calibration: readonly (readonly Tensor[])[],
  options: TargetOptionValues = {},
  targets = ["runner", "runner-device-model"],
  cflags = CHECKED_CFLAGS,
): Promise<Built> {
  const { program } = lowerK210(graph, calibration, options);
  const dir = join(work, name);
  writeOutputDir(dir, k210Files(program));
  writeFileSync(join(dir, "kpu_ram_harness.c"), HARNESS);
  await execFileAsync("nice", ["make", "-s", "-C", dir, `CFLAGS=${cflags}`, "RUNNER_SRC=kpu_ram_harness.c", ...targets], { timeout: CHILD_TIMEOUT_MS });
  return { dir, program, kpuLayers: expandKpuChains(program).nodes.filter((n) => n.op === "KpuConv2D").length };
}

interface Run {
  readonly stdout: string;
  readonly outputs: Buffer[];
  readonly ram: Buffer;
}

async function run(b: Built, binary: string, input: Tensor): Promise<Run> {
  const outDir = join(b.dir, `results-${binary}`);
  mkdirSync(outDir, { recursive: true });
  const inPath = join(b.dir, "in0.bin");
  writeFileSync(inPath, input.bytes());
  const { stdout } = await execFileAsync(join(b.dir, binary), [inPath, outDir], { timeout: CHILD_TIMEOUT_MS });
  return {
    stdout,
    outputs: b.program.outputs.map((_, i) => readFileSync(join(outDir, `${i}.bin`))),
    ram: readFileSync(join(outDir, "kpu_ram.bin")),
  };
}

/** The model's counters printed by the harness. */
function modelStats(stdout: string): Record<string, number> {
  const line = stdout.split("\n").find((l) => l.startsWith("model "));
  expect(line, stdout).toBeDefined();
  const words = line!.split(" ").slice(1);
  const stats: Record<string, number> = {};
  for (let i = 0; i + 1 < words.length; i += 2) stats[words[i]!] = Number(words[i + 1]);
  return stats;
}

/** Runs both builds on the input and checks they agree byte for byte; returns the bytes compared. */
async function expectSameBytes(b: Built, input: Tensor): Promise<number> {
  const [sim, device] = await Promise.all([run(b, "runner", input), run(b, "runner-device-model", input)]);
  expect(sim.stdout).toContain("status 0\n");
  expect(device.stdout).toContain("status 0\n");
  expect(modelStats(device.stdout)).toEqual({
    layers_run: b.kpuLayers,
    layers_failed: 0,
    ram_while_busy: 0,
    fifo_while_busy: 0,
    unknown_accesses: 0,
    fifo_output: 0,
  });
  expect(sim.ram.length).toBe(KPU_RAM_BYTES);
  expect(device.ram.equals(sim.ram)).toBe(true);
  // The layers wrote something: the RAM is not all zero (a driver that never ran would match nothing else).
  expect(sim.ram.some((byte) => byte !== 0)).toBe(true);
  let compared = sim.ram.length;
  sim.outputs.forEach((bytes, i) => {
    expect(bytes.length).toBeGreaterThan(0);
    expect(device.outputs[i]!.equals(bytes), `output ${i}`).toBe(true);
    compared += bytes.length;
  });
  return compared;
}

describe("k210: the device KPU driver over the register-level KPU model matches the simulator path", () => {
  it("strided chain (subsampled in KPU RAM and on download): identical outputs and KPU RAM", async () => {
    const graph = stridedChainGraph();
    const b = await build("strided", graph, [55, 56].map((seed) => [randomTensor([1, 8, 16, 16], seed, 0, 1)]));
    expect(b.kpuLayers).toBe(3);
    const compared = await expectSameBytes(b, randomTensor([1, 8, 16, 16], 54, -0.1, 1.1));
    expect(compared).toBe(KPU_RAM_BYTES + 8 * 4 * 4 * 4);
  });

  it("rows of 36 and 20 bytes, two KPU calls around a CPU op, float and uint8 frame input: identical outputs and KPU RAM", async () => {
    const graph = wideGraph();
    const calibration = [71, 72].map((seed) => [randomTensor([1, 3, 12, 36], seed, 0, 1)]);
    const [float, frame] = await Promise.all([
      build("wide-f32", graph, calibration),
      build("wide-u8", graph, calibration, { inputType: "uint8", mean: [0], std: [1] }, undefined, QUICK_CFLAGS),
    ]);
    expect(float.kpuLayers).toBe(3);
    expect(frame.kpuLayers).toBe(3);
    expect(readFileSync(join(frame.dir, "model.c"), "utf8")).toContain("eg_kpu_chain_u8(");
    await expectSameBytes(float, randomTensor([1, 3, 12, 36], 73, -0.1, 1.1));
    expect(frame.program.inputs[0]!.dtype).toBe("uint8");
    const pixels = Tensor.fromNumbers("uint8", [1, 3, 12, 36], randomTensor([1, 3, 12, 36], 74, 0, 255.99).toNumbers().map(Math.floor));
    await expectSameBytes(frame, pixels);
  });

  it("a layer that never signals calc_done: model_run returns EG_KPU_ERR_TIMEOUT (64) after the poll bound and the runner fails", async () => {
    const b = await build("timeout", stridedChainGraph(), [[randomTensor([1, 8, 16, 16], 57, 0, 1)]], {}, ["runner-device-model"], QUICK_CFLAGS);
    const env = { ...process.env, EG_KPU_MODEL_LATENCY: String(POLL_LIMIT + 1) };
    mkdirSync(join(b.dir, "results-runner"));
    const { stdout } = await execFileAsync(join(b.dir, "runner-device-model"), [writeInput(b, 58), join(b.dir, "results-runner")], { env, timeout: CHILD_TIMEOUT_MS }).catch(
      (e: { stdout: string; code: number }) => ({ stdout: e.stdout, code: e.code }),
    );
    expect(stdout).toContain("status 64\n");
    // The harness counts what the driver did: it stopped after the first layer, and touched no RAM while it ran.
    expect(modelStats(stdout)).toMatchObject({ layers_run: 1, ram_while_busy: 0, fifo_while_busy: 0 });
    // The shipped runner reports the status and exits 1.
    await execFileAsync("nice", ["make", "-s", "-C", b.dir, `CFLAGS=${QUICK_CFLAGS}`, "RUNNER_SRC=runner.c", "-B", "runner-device-model"], { timeout: CHILD_TIMEOUT_MS });
    const failed = await execFileAsync(join(b.dir, "runner-device-model"), [writeInput(b, 58), join(b.dir, "results-runner")], { env, timeout: CHILD_TIMEOUT_MS }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("model_run failed with status 64");
  });

  it("model.c checks every KPU driver result (none is discarded); model.h and the Makefile name the driver choice and the one global KPU", () => {
    const files = k210Files(lowerK210(wideGraph(), [[randomTensor([1, 3, 12, 36], 75, 0, 1)]]).program);
    const header = files.get("model.h")!;
    expect(header).toMatch(/-DEG_KPU_DEVICE, also EG_KPU_ERR_\*/);
    expect(header).toMatch(/KPU's own registers and SRAM with -DEG_KPU_DEVICE\) are one device, so model_run\s+\*\s+is NOT reentrant/);
    const makefile = files.get("Makefile")!;
    expect(makefile).toMatch(/-DEG_KPU_DEVICE builds kpu_device\.c instead/);
    expect(makefile).toMatch(/the KPU is ONE global device: model_run\n# is not reentrant/);
    const modelC = files.get("model.c")!;
    const lines = modelC.split("\n");
    const calls = lines.flatMap((l, i) => (/eg_kpu_(chain|conv2d)_(f32|u8)\(/.test(l) ? [i] : []));
    expect(calls.length).toBe(2);
    for (const i of calls) {
      // Each call's status is kept and returned when nonzero, the run stopping there.
      expect(lines[i]).toMatch(/^\s*const int eg_status = eg_kpu_(chain|conv2d)_f32\(/);
      expect(lines[i + 1]).toMatch(/^\s*if \(eg_status != 0\) return eg_status;$/);
    }
    expect(modelC).not.toMatch(/\(void\)\s*eg_kpu/);
  });
});

describe("k210: the KPU drivers' statuses on bad layers", () => {
  it("outside KPU RAM: 6 from both; 16-bit weights: 66 (EG_KPU_ERR_WEIGHT_BITS) from the device driver only; registers the KPU cannot run: the simulator's 1, the device driver's 64 (timeout)", async () => {
    const kpu = join(REPO, "runtime-c", "kpu");
    const main = join(import.meta.dirname, "kpu_device_errors.c");
    const units = ["kpu_layout", "kpu_sim", "kpu_driver", "kpu_device"].map((u) => join(kpu, `${u}.c`));
    const flags = [...QUICK_CFLAGS.split(" "), `-I${kpu}`];
    const sim = join(work, "errors-sim"), device = join(work, "errors-device");
    await Promise.all([
      execFileAsync("nice", ["gcc", ...flags, "-o", sim, main, ...units, "-lm"], { timeout: CHILD_TIMEOUT_MS }),
      execFileAsync("nice", ["gcc", ...flags, "-DEG_KPU_DEVICE", "-DEG_KPU_MMIO_MODEL", "-o", device, main, ...units, join(kpu, "kpu_model.c"), "-lm"], { timeout: CHILD_TIMEOUT_MS }),
    ]);
    expect((await execFileAsync(sim, [])).stdout).toBe("outside 6\nbits16 0\nkernel 1\nok 0\n");
    // The model saw the simulator reject the kernel type, and so never raised calc_done.
    expect((await execFileAsync(device, [])).stdout).toBe("outside 6\nbits16 66\nkernel 64\nok 0\nmodel last_failure 1\n");
  });
});

function writeInput(b: Built, seed: number): string {
  const p = join(b.dir, `in-${seed}.bin`);
  writeFileSync(p, randomTensor([1, 8, 16, 16], seed, -0.1, 1.1).bytes());
  return p;
}

describe("k210: the device KPU driver cross-compiles bare-metal", () => {
  it("riscv64-unknown-elf-gcc -march=rv64imafdc -mabi=lp64d -std=c99 -Wall -Wextra -Werror -ffreestanding -c: the KPU units of a generated folder, no undefined symbol but their own", async (ctx) => {
    if (!existsSync(DEVICE_CC)) ctx.skip(`${DEVICE_CC} is absent (Debian: gcc-riscv64-unknown-elf): the bare-metal build of the device KPU driver NOT checked`);
    const { program } = lowerK210(stridedChainGraph(), [[randomTensor([1, 8, 16, 16], 59, 0, 1)]]);
    const dir = join(work, "bare-metal");
    writeOutputDir(dir, k210Files(program));
    const units = ["kpu_device", "kpu_layout", "kpu_driver", "kpu_sim"];
    for (const unit of units)
      await execFileAsync(DEVICE_CC, [...DEVICE_FLAGS, "-DEG_KPU_DEVICE", "-c", `${unit}.c`, "-o", `${unit}.o`], { cwd: dir, timeout: CHILD_TIMEOUT_MS });
    const symbols = async (unit: string) => (await execFileAsync("/usr/bin/riscv64-unknown-elf-nm", [`${unit}.o`], { cwd: dir })).stdout;
    const all = await Promise.all(units.map(symbols));
    const defined = new Set(all.flatMap((s) => [...s.matchAll(/^[0-9a-f]+ [TDRB] (\w+)$/gm)].map((m) => m[1]!)));
    const undefinedSymbols = all.flatMap((s) => [...s.matchAll(/^\s+U (\w+)$/gm)].map((m) => m[1]!));
    expect([...defined]).toEqual(expect.arrayContaining(["eg_kpu_chain_f32", "eg_kpu_chain_u8", "kpu_sim_row_offset", "kpu_sim_map_lines"]));
    // No libc, no libm, no simulator on the device: every reference resolves inside the driver's own units.
    expect(undefinedSymbols.filter((s) => !defined.has(s))).toEqual([]);
    expect(all[0]).toMatch(/ T eg_kpu_chain_f32$/m);
    // The simulator's units are empty in a device build.
    expect(all[2]).not.toMatch(/ T /);
    expect(all[3]).not.toMatch(/ T /);
    // And the generated Makefile's target does the same build.
    await execFileAsync("make", ["-s", "-C", dir, "kpu-device-objs"], { timeout: CHILD_TIMEOUT_MS });
    expect(existsSync(join(dir, "kpu_device.o"))).toBe(true);
  });
});
