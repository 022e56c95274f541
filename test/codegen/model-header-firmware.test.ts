import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { STRICT_CFLAGS } from "../../src/emit/output-files.js";
import { compile, runGraph, Tensor, writeOutputDir } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { singleNodeGraph } from "../support/graphs.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * model.h states what firmware needs (issue 20 item 3): quantisation of integer inputs/outputs as
 * macros, reentrancy, and an arena the user places in a linker section of their choice
 * (MODEL_DEFINE_ARENA + MODEL_ARENA_SECTION). A program using every macro compiles with -Werror on
 * the host (and runs bit-exact with the interpreter) and for Cortex-M4 with arm-none-eabi-gcc, where
 * the arena lands in the named section.
 */
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "egret-header-fw-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DRIVER = `#include <stdio.h>
#include <stdint.h>
#include "model.h"
/* The macros are integer constant expressions: usable at file scope. */
typedef char input_is_quantized[MODEL_INPUT_0_QUANTIZED == 1 ? 1 : -1];
typedef char output_is_quantized[MODEL_OUTPUT_0_QUANTIZED == 1 ? 1 : -1];
typedef char reentrant[MODEL_REENTRANT == 1 ? 1 : -1];
MODEL_DEFINE_ARENA(arena);
static MODEL_INPUT_0_CTYPE a[MODEL_INPUT_0_BYTES / sizeof(MODEL_INPUT_0_CTYPE)] = { -7, 0, 5, 100 };
static MODEL_INPUT_1_CTYPE b[MODEL_INPUT_1_BYTES / sizeof(MODEL_INPUT_1_CTYPE)] = { 3, -128, 9, -50 };
static MODEL_OUTPUT_0_CTYPE y[MODEL_OUTPUT_0_BYTES / sizeof(MODEL_OUTPUT_0_CTYPE)];
int main(void) {
  const void *inputs[MODEL_NUM_INPUTS];
  void *outputs[MODEL_NUM_OUTPUTS];
  size_t i;
  inputs[0] = a;
  inputs[1] = b;
  outputs[0] = y;
  model_run(inputs, outputs, arena);
  printf("%.9g %d %.9g %d %.9g %d\\n", (double)MODEL_INPUT_0_SCALE, MODEL_INPUT_0_ZERO_POINT, (double)MODEL_INPUT_1_SCALE,
         MODEL_INPUT_1_ZERO_POINT, (double)MODEL_OUTPUT_0_SCALE, MODEL_OUTPUT_0_ZERO_POINT);
  for (i = 0; i < sizeof y / sizeof y[0]; i++) printf("%d ", (int)y[i]);
  printf("\\n");
  return ((uintptr_t)arena % MODEL_ARENA_ALIGNMENT) != 0u;
}
`;

/** A QAdd of two int8 tensors with three different (scale, zero point) pairs. */
function qaddGraph() {
  const a = new Tensor("int8", [4], Int8Array.from([-7, 0, 5, 100]));
  const b = new Tensor("int8", [4], Int8Array.from([3, -128, 9, -50]));
  return singleNodeGraph("QAdd", [{ value: a }, { value: b }], { a_scale: 0.5, a_zero_point: 3, b_scale: 0.25, b_zero_point: -2, y_scale: 0.75, y_zero_point: 1 });
}

describe("model.h for firmware", () => {
  it("states each integer input's and output's scale and zero point; a float model states none", () => {
    const header = compile(qaddGraph().graph).files.get("model.h")!;
    expect(header).toMatch(/#define MODEL_INPUT_0_SCALE 0\.5\d*f\n#define MODEL_INPUT_0_ZERO_POINT 3\n/);
    expect(header).toMatch(/#define MODEL_INPUT_1_SCALE 0\.25\d*f\n#define MODEL_INPUT_1_ZERO_POINT -2\n/);
    expect(header).toMatch(/#define MODEL_OUTPUT_0_SCALE 0\.75\d*f\n#define MODEL_OUTPUT_0_ZERO_POINT 1\n/);
    expect(header).toMatch(/#define MODEL_INPUT_0_CTYPE int8_t/);
    const x = new Tensor("float32", [4], Float32Array.from([1, -2, 3, -4]));
    const float = compile(singleNodeGraph("Relu", [{ value: x }]).graph).files.get("model.h")!;
    expect(float).toMatch(/#define MODEL_INPUT_0_CTYPE float\n#define MODEL_INPUT_0_QUANTIZED 0\n/);
    expect(float).not.toMatch(/_SCALE|_ZERO_POINT/);
  });

  it("a program using every macro builds with -Werror on the host and runs bit-exact; for Cortex-M4 the arena sits in the named section", async () => {
    const { graph, feeds } = qaddGraph();
    const result = compile(graph);
    const dir = join(work, "qadd");
    writeOutputDir(dir, result.files);
    writeFileSync(join(dir, "driver.c"), DRIVER);
    const kernels = result.summary.runtimeUnits.map((u) => `${u}.c`);
    const section = `-DMODEL_ARENA_SECTION=".egret_arena"`;
    const flags = [...STRICT_CFLAGS.split(" "), section];
    await run("cc", [...flags, "-O1", "-o", "driver", "driver.c", "model.c", ...kernels, "-lm"], { cwd: dir, timeout: CHILD_TIMEOUT_MS });
    const { stdout } = await run(join(dir, "driver"), [], { cwd: dir, timeout: CHILD_TIMEOUT_MS });
    const [params, values] = stdout.trim().split("\n");
    expect(params).toBe("0.5 3 0.25 -2 0.75 1");
    const want = Array.from(runGraph(graph, feeds)[0]!.data as Int8Array);
    expect(values!.trim().split(" ").map(Number)).toEqual(want);
    const cm4 = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"];
    await run("arm-none-eabi-gcc", [...cm4, ...flags, "-O2", "-c", "-o", "driver-m4.o", "driver.c"], { cwd: dir, timeout: CHILD_TIMEOUT_MS });
    const { stdout: sections } = await run("arm-none-eabi-objdump", ["-h", "driver-m4.o"], { cwd: dir, timeout: CHILD_TIMEOUT_MS });
    const arena = sections.split("\n").find((l) => /\s\.egret_arena\s/.test(l));
    expect(arena, sections).toBeDefined();
    // objdump -h: Idx Name Size(hex) ... Algn(2**n)
    expect(parseInt(arena!.trim().split(/\s+/)[2]!, 16)).toBe(Math.max(1, result.summary.arenaBytes));
    expect(arena!).toMatch(/2\*\*4\s*$/);
  });

  for (const [name, file] of [
    ["person_detect", "tflm-models/person_detect.tflite"],
    ["kws_ref_model", "mlperf-tiny/kws/kws_ref_model.tflite"],
  ] as const) {
    it(`${name}: the header's scale and zero point are the model file's`, (ctx) => {
      const shared = sharedOrSkip(ctx, `the ${name} model.h quantisation check`);
      const header = compile(importModelFile(join(shared, "models", "tflite", file))).files.get("model.h")!;
      const manifest = JSON.parse(readFileSync(join(shared, "models", "manifest.json"), "utf8")) as { models: ManifestModel[] };
      const entry = manifest.models.find((m) => m.file === `tflite/${file}`)!;
      for (const [kind, list] of [["INPUT", entry.inputs], ["OUTPUT", entry.outputs]] as const) {
        const q = list[0]!.quant;
        const scale = Number(/_0_SCALE ([-0-9.e]+)f/.exec(header.slice(header.indexOf(`#define MODEL_${kind}_0_SCALE`)))![1]);
        // The manifest rounds scales to 4 significant digits.
        expect(Math.abs(scale - q.scale) / q.scale, `${kind} scale ${scale} vs ${q.scale}`).toBeLessThan(1e-3);
        expect(header).toContain(`#define MODEL_${kind}_0_ZERO_POINT ${q.zero_point}\n`);
      }
    });
  }
});

interface ManifestModel {
  readonly file: string;
  readonly inputs: readonly { readonly quant: { readonly scale: number; readonly zero_point: number } }[];
  readonly outputs: readonly { readonly quant: { readonly scale: number; readonly zero_point: number } }[];
}
