/**
 * The k210 output directory built twice from the same generated Makefile: `runner` for the host
 * and `runner-rv64` (riscv64-linux-gnu-gcc -static) run under qemu-riscv64. The same input bytes
 * must give the same output bytes: the KPU simulator is integer-only, and the float CPU ops are
 * built with -ffp-contract=off on both, so no fused multiply-add can round differently.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandomInputs } from "../../backends/k210/calibrate.js";
import { expandKpuChains } from "../../backends/k210/kpu-chain.js";
import { extractForK210, k210Files, lowerK210 } from "./k210-support.js";
import { runGraph, Tensor, writeOutputDir } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { sharedFor } from "../support/shared-skip.js";

const work = mkdtempSync(join(tmpdir(), "egret-k210-rv64-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `cmd` on the input files into a fresh directory; returns the output files' bytes. */
function runOutputs(dir: string, cmd: readonly string[], inputs: readonly string[], outputs: number, tag: string): Buffer[] {
  const outDir = join(dir, `results-${tag}`);
  mkdirSync(outDir);
  execFileSync(cmd[0]!, [...cmd.slice(1), ...inputs, outDir], { stdio: ["ignore", "pipe", "pipe"] });
  return Array.from({ length: outputs }, (_, i) => readFileSync(join(outDir, `${i}.bin`)));
}

function hostAndRv64(name: string, modelPath: string, inputs: readonly Tensor[]): { host: Buffer[]; rv64: Buffer[]; kpuLayers: number } {
  const graph = importModelFile(modelPath);
  const { program } = lowerK210(extractForK210(graph), seededRandomInputs(graph, 1, 7));
  const dir = join(work, name);
  writeOutputDir(dir, k210Files(program));
  execFileSync("make", ["-s", "-C", dir, "runner", "runner-rv64"], { stdio: ["ignore", "pipe", "pipe"] });
  const files = inputs.map((t, i) => {
    const p = join(dir, `in${i}.bin`);
    writeFileSync(p, t.bytes());
    return p;
  });
  const outputs = program.outputs.length;
  return {
    host: runOutputs(dir, [join(dir, "runner")], files, outputs, "host"),
    rv64: runOutputs(dir, ["qemu-riscv64", join(dir, "runner-rv64")], files, outputs, "rv64"),
    kpuLayers: expandKpuChains(program).nodes.filter((n) => n.op === "KpuConv2D").length,
  };
}

describe("k210: the RV64 build under qemu-riscv64 matches the host build bit for bit", () => {
  const useShared = sharedFor("k210 RISC-V tests");

  it("iris.tflite (CPU only) gives the nncase example's output on both", (ctx) => {
    const shared = useShared(ctx);
    const input = Tensor.fromNumbers("float32", [1, 4], [5.1, 3.8, 1.9, 0.4]);
    const { host, rv64 } = hostAndRv64("iris", join(shared, "models/kmodel/source/iris.tflite"), [input]);
    expect(rv64.length).toBe(1);
    expect(rv64[0]!.equals(host[0]!)).toBe(true);
    const values = Array.from(new Float32Array(new Uint8Array(rv64[0]!).buffer));
    [16.077795, 5.607656, -2.071745].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 5));
  });

  it("ulffd_landmark.tflite (KPU layers through the C simulator) gives identical bytes", (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/kmodel/source/ulffd_landmark.tflite"));
    const inputs = seededRandomInputs(graph, 1, 99)[0]!;
    const { host, rv64, kpuLayers } = hostAndRv64("ulffd", join(shared, "models/kmodel/source/ulffd_landmark.tflite"), inputs);
    expect(kpuLayers).toBeGreaterThanOrEqual(35);
    expect(rv64.length).toBe(3);
    rv64.forEach((bytes, i) => {
      expect(bytes.length).toBe(host[i]!.length);
      expect(bytes.equals(host[i]!), `output ${i}`).toBe(true);
    });
  });
});
