import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { outputFiles } from "../../src/cli/emit-options.js";
import { STRICT_CFLAGS } from "../../src/emit/output-files.js";
import { compile, importModelFile, writeOutputDir } from "../../src/index.js";
import { staticNames } from "../../src/library/single-file.js";
import { sharedFor } from "../support/shared-skip.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * A single-file build of a real model makes every layer's parameters and arrays constants that the
 * compiler propagates into the inlined kernels. That wakes flow-sensitive warnings the runner's
 * separate units never show (-Waggressive-loop-optimizations on a block loop's tail, the
 * -Wmaybe-uninitialized of a weight array filled in a loop), so the generated C is compiled here
 * with -Werror at every level a firmware build picks: arm-none-eabi-gcc -O0/-O1/-O2/-O3/-Os and the
 * host gcc at -O2/-O3/-Os, on corpus int8 models that together use every DSP kernel family.
 */
const run = promisify(execFile);
const CM4 = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"];
const BUILDS: readonly { cc: string; flags: readonly string[] }[] = [
  ...["-O0", "-O1", "-O2", "-O3", "-Os"].map((o) => ({ cc: "arm-none-eabi-gcc", flags: [...CM4, o] })),
  ...["-O2", "-O3", "-Os"].map((o) => ({ cc: "cc", flags: [o] })),
];
const MODELS = [
  "tflite/mlperf-tiny/kws/kws_ref_model.tflite",
  "tflite/mlperf-tiny/ic/pretrainedResnet_quant.tflite",
  "tflite/tflm-models/person_detect.tflite",
  "tflite/tflm-models/keyword_scrambled.tflite",
  "tflite/tflm-examples/dtln/dtln_noise_suppression.tflite",
];
const work = mkdtempSync(join(tmpdir(), "egret-single-file-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const shared = sharedFor("single-file -Werror builds of the corpus models");

describe("--single-file C of corpus models compiles with -Werror at every optimisation level", () => {
  for (const model of MODELS) {
    it(model, async (ctx) => {
      const root = shared(ctx);
      const result = compile(importModelFile(join(root, "models", model)), { target: "cortex-m4" });
      const dir = join(work, model.replace(/\W/g, "_"));
      writeOutputDir(dir, outputFiles(result, "single-file"));
      const failures: string[] = [];
      for (const b of BUILDS) {
        try {
          await run(b.cc, [...b.flags, ...STRICT_CFLAGS.split(" "), `-I${dir}`, "-c", "-o", join(dir, "model.o"), join(dir, "model.c")], { timeout: CHILD_TIMEOUT_MS });
        } catch (e) {
          const stderr = (e as { stderr?: string }).stderr ?? String(e);
          failures.push(`${b.cc} ${b.flags.at(-1)}: ${stderr.split("\n").find((l) => l.includes("error")) ?? stderr.slice(0, 300)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it("renames a static's own name, not the attribute before it (staticNames)", () => {
    const source = "static inline __attribute__((always_inline)) int8_t *px_run(int a) { return 0; }\nstatic int32_t table[4];\n";
    expect(staticNames(source)).toEqual(["px_run", "table"]);
  });
});
