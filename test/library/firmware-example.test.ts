import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { harnessDir } from "../../backends/cortex-m/files.js";
import { outputFiles } from "../../src/cli/emit-options.js";
import { compile, importModelFile, runGraph, Tensor, writeOutputDir } from "../../src/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { singleNodeGraph } from "../support/graphs.js";
import { runProcess } from "../support/processes.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * The example firmware project (examples/firmware-cmake, issue 20 item 2) builds with CMake and
 * arm-none-eabi-gcc for the MPS2 Cortex-M4 board around a freshly compiled `--emit library` model
 * (and around the two halves of a plain cortex-m4 compile: the library and harness/ as board
 * support) and runs under QEMU (mps2-an386): its output is bit-exact with the interpreter (and, for
 * person_detect, with TFLite Micro's golden output).
 */
const run = promisify(execFile);
const EGRET = join(PACKAGE_ROOT, "bin", "egret.js");
const EXAMPLE = join(PACKAGE_ROOT, "examples", "firmware-cmake");
const work = mkdtempSync(join(tmpdir(), "egret-firmware-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Configures and builds the example around the library in `modelDir` (CMake build type `buildType`);
 * runs it on `input` under QEMU.
 */
async function buildAndRunFirmware(name: string, modelDir: string, input: Uint8Array, bspDir?: string, buildType = "Release"): Promise<{ output: Uint8Array; console: string }> {
  const build = join(work, `${name}-build`);
  const options = { timeout: CHILD_TIMEOUT_MS };
  const bsp = bspDir === undefined ? [] : [`-DMPS2_BSP_DIR=${bspDir}`];
  await run("cmake", ["-S", EXAMPLE, "-B", build, `-DCMAKE_TOOLCHAIN_FILE=${join(EXAMPLE, "cortex-m4.cmake")}`, `-DEGRET_MODEL_DIR=${modelDir}`, ...bsp, `-DCMAKE_BUILD_TYPE=${buildType}`], options);
  await run("cmake", ["--build", build], options);
  const inFile = join(work, `${name}-in.bin`);
  const outFile = join(work, `${name}-out.bin`);
  writeFileSync(inFile, input);
  const semihosting = `enable=on,target=native,arg=firmware,arg=${inFile},arg=${outFile}`;
  const qemu = await run("qemu-system-arm", ["-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none", "-semihosting-config", semihosting, "-kernel", join(build, "firmware.elf")], options);
  // Semihosting console text reaches the host on stdout or stderr, depending on the QEMU version.
  return { output: new Uint8Array(readFileSync(outFile)), console: qemu.stdout + qemu.stderr };
}

/** A constructed int8 model (QAdd, the DSP kernels on cortex-m4) and its input. */
function qaddModel() {
  const x = new Tensor("int8", [16], Int8Array.from({ length: 16 }, (_, i) => (i * 37) % 256 - 128));
  const b = new Tensor("int8", [16], Int8Array.from({ length: 16 }, (_, i) => 100 - i * 13));
  return { x, ...singleNodeGraph("QAdd", [{ value: x }, { value: b, constant: true }], { a_scale: 0.02, a_zero_point: -3, b_scale: 0.05, b_zero_point: 4, y_scale: 0.07, y_zero_point: -1 }) };
}

describe("examples/firmware-cmake on QEMU mps2-an386", () => {
  it("a constructed int8 model: the library built by CMake runs bit-exact with the interpreter", async () => {
    const { x, graph, feeds } = qaddModel();
    const lib = join(work, "qadd-model");
    writeOutputDir(lib, outputFiles(compile(graph, { target: "cortex-m4" }), "library"));
    const { output, console } = await buildAndRunFirmware("qadd", lib, x.bytes());
    const want = runGraph(graph, feeds)[0]!;
    expect(Array.from(output)).toEqual(Array.from(want.bytes()));
    const data = Array.from(want.data as Int8Array);
    expect(console).toContain(`firmware: top class ${data.indexOf(Math.max(...data))}`);
  });

  it("a plain cortex-m4 compile is both halves: its top as the model, its harness/ as the board support", async () => {
    const { x, graph, feeds } = qaddModel();
    const out = join(work, "qadd-runner");
    writeOutputDir(out, compile(graph, { target: "cortex-m4" }).files);
    const { output } = await buildAndRunFirmware("qadd-runner", out, x.bytes(), harnessDir(out));
    expect(Array.from(output)).toEqual(Array.from(runGraph(graph, feeds)[0]!.bytes()));
  });

  it("person_detect compiled by the CLI (--target cortex-m4 --emit library), CMake Debug build: bit-exact with TFLite Micro's golden output", async (ctx) => {
    const shared = sharedOrSkip(ctx, "the person_detect firmware example run");
    const model = join(shared, "models", "tflite", "tflm-models", "person_detect.tflite");
    const lib = join(work, "person-model");
    const compiled = await runProcess([EGRET, "compile", model, "--target", "cortex-m4", "--emit", "library", "-o", lib]);
    expect(compiled.code, compiled.stderr).toBe(0);
    const golden = join(shared, "golden", "person_detect", "multi");
    const input = new Uint8Array(readFileSync(join(golden, "input_0_0.bin")));
    // A Debug build (-O0): the DSP kernels fall back from their register-hungry asm loops.
    const { output } = await buildAndRunFirmware("person", lib, input, undefined, "Debug");
    expect(Array.from(output)).toEqual(Array.from(readFileSync(join(golden, "output_0_0.bin"))));
    const graph = importModelFile(model);
    const x = graph.inputs[0]!;
    expect(Array.from(output)).toEqual(Array.from(runGraph(graph, [Tensor.fromBytes(x.dtype, x.shape, input)])[0]!.bytes()));
  });
});
