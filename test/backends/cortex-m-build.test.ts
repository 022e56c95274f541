import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CORTEX_M_VARIANTS } from "../../backends/cortex-m/variants.js";
import { harnessDir } from "../../backends/cortex-m/files.js";
import { compile, toolchain, writeOutputDir } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/**
 * Every Cortex-M variant's output directory cross-compiles with the project's strict flags
 * (-Werror included, from the generated Makefile) and links, for a model using int8 conv,
 * depthwise, pool, FC and softmax kernels, and the profiling build too.
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-build-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("Cortex-M targets cross-compile with -Werror", () => {
  for (const variant of CORTEX_M_VARIANTS) {
    it(`${variant.name}: KWS model.c, kernels and harness build; Makefile uses strict flags and the variant's -mcpu`, (ctx) => {
      const shared = sharedOrSkip(ctx, `the ${variant.name} cross build`);
      const graph = importModelFile(join(shared, "models", "tflite", "mlperf-tiny", "kws", "kws_ref_model.tflite"));
      const result = compile(graph, { target: variant.name });
      const dir = join(work, variant.name);
      writeOutputDir(dir, result.files);
      const makefile = result.files.get("harness/Makefile")!;
      expect(makefile).toContain("-Werror");
      expect(makefile).toContain(variant.archFlags);
      execFileSync("make", ["-s", "-C", harnessDir(dir), "runner.elf"], { stdio: ["ignore", "pipe", "pipe"] });
      const header = execFileSync("arm-none-eabi-readelf", ["-h", "-A", join(harnessDir(dir), "runner.elf")], { encoding: "utf8" });
      expect(header).toContain("ARM");
      expect(header).toMatch(variant.dsp ? /Tag_CPU_arch: v7E-M/ : /Tag_CPU_arch: v6S?-M/);
      // The size report of `compile --json`: weights are all in flash, the arena is the planned one.
      const size = toolchain.target(variant.name).sizeReport!(dir, result.summary.arenaBytes) as { flash: { weights: number; total: number }; ram: { arena: number; stack: number; state: number; otherStatic: number; total: number } };
      expect(size.flash.weights).toBe(result.summary.weightsBytes);
      expect(size.flash.total).toBeGreaterThan(size.flash.weights);
      expect(size.ram.arena).toBe(result.summary.arenaBytes);
      expect(size.ram.stack).toBeGreaterThan(0);
      expect(size.ram.state).toBe(0); // no recurrent op in this model
      expect(size.ram.total).toBe(size.ram.arena + size.ram.stack + size.ram.state + size.ram.otherStatic);
    });
  }
});
