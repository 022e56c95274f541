import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { STRICT_CFLAGS } from "../../src/emit/output-files.js";
import { outputFiles } from "../../src/cli/emit-options.js";
import { compile, importModelFile, runGraph, Tensor, writeOutputDir } from "../../src/index.js";
import { singleFileSource } from "../../src/library/single-file.js";
import { RUNTIME_C_DIR } from "../../src/paths.js";
import { compareClose } from "../support/c-run.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { encodeOnnxModel } from "../support/onnx-builder.js";
import { runProcess } from "../support/processes.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * `egret compile --emit library` and `--single-file` (issue 20 item 2): the library builds in a
 * Make project through model.mk (the runner build's model.c, byte for byte) and matches the interpreter; the single file compiles
 * with -Werror alone, for the host and Cortex-M4, with every kernel unit at once (no two units'
 * statics or macros clash) and no kernel symbol exported; bad option combinations fail clearly.
 */
const run = promisify(execFile);
const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const CM4 = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"];
const work = mkdtempSync(join(tmpdir(), "egret-library-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** x[1,2,6,6] -> 3x3 Conv (4 channels) -> Relu -> GlobalAveragePool -> y[1,4,1,1]. */
function convModel() {
  const bytes = encodeOnnxModel({
    inputs: [{ name: "x", dims: [1, 2, 6, 6] }],
    outputs: ["y"],
    initializers: { w: randomTensor([4, 2, 3, 3], 7), b: randomTensor([4], 8) },
    nodes: [
      { op: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], name: "conv" },
      { op: "Relu", inputs: ["c"], outputs: ["r"], name: "relu" },
      { op: "GlobalAveragePool", inputs: ["r"], outputs: ["y"], name: "pool" },
    ],
  });
  const path = join(work, "conv.onnx");
  writeFileSync(path, bytes);
  return path;
}

/** Reads the raw input file, runs the model, writes the raw output file. */
const DRIVER = `#include <stdio.h>
#include "model.h"
MODEL_DEFINE_ARENA(arena);
static MODEL_INPUT_0_CTYPE in[MODEL_INPUT_0_BYTES / sizeof(MODEL_INPUT_0_CTYPE)];
static MODEL_OUTPUT_0_CTYPE out[MODEL_OUTPUT_0_BYTES / sizeof(MODEL_OUTPUT_0_CTYPE)];
int main(int argc, char **argv) {
  const void *inputs[1];
  void *outputs[1];
  FILE *f;
  if (argc != 3 || (f = fopen(argv[1], "rb")) == NULL || fread(in, 1, sizeof in, f) != sizeof in) return 2;
  fclose(f);
  inputs[0] = in;
  outputs[0] = out;
  model_run(inputs, outputs, arena);
  if ((f = fopen(argv[2], "wb")) == NULL || fwrite(out, 1, sizeof out, f) != sizeof out) return 3;
  return fclose(f) != 0;
}
`;

async function egret(...args: string[]) {
  const r = await runProcess([EGRET, ...args]);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe("--emit library and --single-file", () => {
  it("every runtime kernel unit in one file compiles with -Werror (host and Cortex-M4) and exports nothing of its own", async () => {
    const names = readdirSync(join(RUNTIME_C_DIR, "kernels")).filter((f) => f.endsWith(".c")).map((f) => f.slice(0, -2)).sort();
    expect(names.length).toBeGreaterThan(30);
    const units = names.map((name) => ({ name, header: readFileSync(join(RUNTIME_C_DIR, "kernels", `${name}.h`), "utf8"), source: readFileSync(join(RUNTIME_C_DIR, "kernels", `${name}.c`), "utf8") }));
    const source = singleFileSource("int model_probe(void);\nint model_probe(void) { return 0; }\n", readFileSync(join(RUNTIME_C_DIR, "egret.h"), "utf8"), units);
    const file = join(work, "all-units.c");
    writeFileSync(file, source);
    await run("cc", [...STRICT_CFLAGS.split(" "), "-O1", "-c", "-o", join(work, "all-units.o"), file], { timeout: CHILD_TIMEOUT_MS });
    await run("arm-none-eabi-gcc", [...CM4, ...STRICT_CFLAGS.split(" "), "-O1", "-c", "-o", join(work, "all-units-m4.o"), file], { timeout: CHILD_TIMEOUT_MS });
    const { stdout } = await run("nm", ["-g", "--defined-only", join(work, "all-units.o")], { timeout: CHILD_TIMEOUT_MS });
    expect(stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)[2])).toEqual(["model_probe"]);
  });

  it("the CLI's library: model.mk builds it into a Make project; the single file builds alone and gives the library's bytes; both match the interpreter", async () => {
    const model = convModel();
    const x = randomTensor([1, 2, 6, 6], 3);
    writeFileSync(join(work, "x.bin"), x.bytes());
    const reference = runGraph(importModelFile(model), [x])[0]!;
    const runner = join(work, "runner");
    expect((await egret("compile", model, "-o", runner)).code).toBe(0);

    const lib = join(work, "lib");
    const r = await egret("compile", model, "-o", lib, "--emit", "library");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`add_subdirectory(${lib} egret_model)`);
    const files = readdirSync(lib).filter((f) => !f.startsWith("."));
    expect(files).toEqual(expect.arrayContaining(["model.c", "model.h", "egret.h", "CMakeLists.txt", "model.mk"]));
    for (const harness of ["runner.c", "Makefile"]) expect(files).not.toContain(harness);
    const project = join(work, "make-project");
    writeOutputDir(project, new Map([["main.c", DRIVER], ["Makefile", `include ${lib}/model.mk\nCFLAGS = ${STRICT_CFLAGS} -O2 $(EGRET_MODEL_CFLAGS)\napp: main.c $(EGRET_MODEL_SRCS)\n\t$(CC) $(CFLAGS) -o $@ $^ $(EGRET_MODEL_LDLIBS)\n`]]));
    await run("make", ["-s", "-C", project], { timeout: CHILD_TIMEOUT_MS });
    await run(join(project, "app"), [join(work, "x.bin"), join(work, "y-make.bin")], { timeout: CHILD_TIMEOUT_MS });
    // The library is the runner build's model, byte for byte; float sums in kernel order stay close to the interpreter's.
    expect(readFileSync(join(lib, "model.c"), "utf8")).toBe(readFileSync(join(runner, "model.c"), "utf8"));
    const got = readFileSync(join(work, "y-make.bin"));
    const close = compareClose(Tensor.fromBytes("float32", reference.shape, new Uint8Array(got)), reference);
    expect(close.ok, `max |diff| ${close.maxAbs}`).toBe(true);

    const single = join(work, "single");
    const s = await egret("compile", model, "-o", single, "--single-file");
    expect(s.code, s.err).toBe(0);
    expect(readdirSync(single).filter((f) => !f.startsWith(".")).sort()).toEqual(["model.c", "model.h"]);
    writeFileSync(join(work, "driver.c"), DRIVER);
    await run("cc", [...STRICT_CFLAGS.split(" "), "-O2", `-I${single}`, "-o", join(work, "single-app"), join(work, "driver.c"), join(single, "model.c"), "-lm"], { timeout: CHILD_TIMEOUT_MS });
    await run(join(work, "single-app"), [join(work, "x.bin"), join(work, "y-single.bin")], { timeout: CHILD_TIMEOUT_MS });
    expect(Array.from(readFileSync(join(work, "y-single.bin"))), "single file vs library build").toEqual(Array.from(got));
  });

  it("a Cortex-M4 library holds the DSP kernels its compile chose and compiles with -Werror as one file", async () => {
    const q = new Tensor("int8", [8], Int8Array.from([1, -2, 3, -4, 5, -6, 7, -8]));
    const { graph } = singleNodeGraph("QAdd", [{ value: q }, { value: q, constant: true }], { a_scale: 0.5, a_zero_point: 1, b_scale: 0.5, b_zero_point: 1, y_scale: 1, y_zero_point: 0 });
    const result = compile(graph, { target: "cortex-m4" });
    const lib = outputFiles(result, "library");
    expect([...lib.keys()]).toEqual(expect.arrayContaining(["CMakeLists.txt", "model.mk", ...result.summary.runtimeUnits.map((u) => `${u}.c`)]));
    expect([...lib.keys()]).not.toContain("startup.c");
    const one = outputFiles(result, "single-file");
    const dir = join(work, "m4-single");
    writeOutputDir(dir, one);
    await run("arm-none-eabi-gcc", [...CM4, ...STRICT_CFLAGS.split(" "), "-O2", "-c", "-o", join(dir, "model.o"), join(dir, "model.c")], { timeout: CHILD_TIMEOUT_MS });
    expect(existsSync(join(dir, "model.o"))).toBe(true);
  });

  it("bad combinations fail naming the options; --help explains them", async () => {
    const model = convModel();
    const both = await egret("compile", model, "-o", join(work, "bad1"), "--single-file", "--emit", "runner");
    expect(both.code).toBe(1);
    expect(both.err).toMatch(/options --single-file and --emit runner: cannot be combined/);
    const k210 = await egret("compile", model, "-o", join(work, "bad2"), "--emit", "library", "--target", "k210");
    expect(k210.code).toBe(1);
    expect(k210.err).toMatch(/option --emit library: target k210 writes a program for its own runtime/);
    const unknown = await egret("compile", model, "-o", join(work, "bad3"), "--emit", "lib");
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/--emit <kind>.*Allowed choices are runner, library/);
    for (const dir of ["bad1", "bad2", "bad3"]) expect(existsSync(join(work, dir))).toBe(false);
    const help = await egret("compile", "--help");
    expect(help.out).toMatch(/--emit <kind>[\s\S]*library:\s+the\s+model\s+for\s+your\s+firmware/);
    expect(help.out).toMatch(/--single-file[\s\S]*kernels\s+inlined\s+as\s+static/);
  });
});
