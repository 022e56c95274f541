import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFirmware } from "../../backends/cortex-m/qemu.js";
import { harnessDir } from "../../backends/cortex-m/files.js";
import { CORTEX_M_VARIANTS } from "../../backends/cortex-m/variants.js";
import { compile, writeOutputDir } from "../../src/index.js";
import { buildAndRunAsync } from "../support/c-run.js";
import { convCase, kernelCaseGraph, matmulCase, pointwiseCase } from "../ops/float-kernels-support.js";
import { nhwcGemmCase, nhwcPointwiseCase } from "../ops/float-kernels-nhwc-support.js";

/**
 * The blocked float kernels on Cortex-M under QEMU: the same program (no optimizer, so every
 * target runs the same ops) cross-built for cortex-m4 (VMLA inner loops), cortex-m7 and
 * cortex-m0plus (soft float, scalar C) gives bit-identical outputs to the host build (SSE
 * vectors): each output is summed in the same order everywhere and ISO C99 builds do not
 * contract a * b + c into a fused multiply-add (-ffp-contract=off is gcc's default there).
 */
const execFileAsync = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "egret-cm-float-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CASES = [
  convCase("Conv2DGemm", 500),
  convCase("Conv2DGemm", 501, true),
  pointwiseCase(502, 6, 9, 4, 5),
  convCase("Conv2DDepthwise", 503),
  convCase("Conv2DDepthwise", 504),
  convCase("Conv2DWinograd", 505),
  convCase("Conv2DWinograd", 506, true),
  matmulCase(507),
  matmulCase(508),
  matmulCase(509, true),
  nhwcGemmCase(510),
  nhwcGemmCase(511, true),
  nhwcPointwiseCase(512, 6, 9, 4, 5),
];

describe("blocked float kernels: Cortex-M builds are bit-identical to the host build", () => {
  const { graph, feeds } = kernelCaseGraph(CASES);
  let host: number[][] = [];
  beforeAll(async () => {
    host = (await buildAndRunAsync(compile(graph, { optimize: false }).files, graph.outputs, feeds)).map((t) => Array.from(t.bytes()));
  });

  for (const variant of CORTEX_M_VARIANTS) {
    it(`${variant.name}: every output byte equals the host's`, async () => {
      expect(host).toHaveLength(graph.outputs.length);
      const dir = join(work, variant.name);
      writeOutputDir(dir, compile(graph, { target: variant.name, optimize: false }).files);
      // The cross build as an awaited child process (buildFirmware's make, without blocking the worker).
      await execFileAsync("make", ["-s", "-C", harnessDir(dir), "runner.elf"]);
      const run = runFirmware(harnessDir(dir), "runner.elf", variant, feeds.map((t) => t.bytes()), 1, graph.outputs.length);
      run.outputs.forEach((bytes, i) => expect(Array.from(bytes), `${variant.name} output ${graph.outputs[i]!.name} (${CASES[i >> 1]!.label})`).toEqual(host[i]));
      // The FPU targets' inner loops are the VMLA ones; soft float has no VFP instructions.
      const disassembly = execFileSync("arm-none-eabi-objdump", ["-d", join(harnessDir(dir), "runner.elf")], { encoding: "utf8", maxBuffer: 64 << 20 });
      expect(disassembly.includes("vmla.f32"), `${variant.name} uses VMLA.F32`).toBe(variant.name !== "cortex-m0plus");
    });
  }
});
