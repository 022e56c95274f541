import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { HARNESS_FOLDER, harnessDir } from "../../backends/cortex-m/files.js";
import { outputFiles } from "../../src/cli/emit-options.js";
import { compile, runGraph, Tensor, writeOutputDir } from "../../src/index.js";
import { MANIFEST } from "../../src/output-manifest.js";
import { singleNodeGraph } from "../support/graphs.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * A Cortex-M output keeps the model library and the QEMU harness apart (issue 20 item 7): the top
 * of the folder is the `--emit library` output byte for byte, the harness (startup, semihosting,
 * linker script, runner, Makefile) is under harness/, whose Makefile takes the model through
 * ../model.mk; `make -C harness run` gives the interpreter's bytes and builds nothing at the top.
 */
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "egret-cm-layout-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HARNESS_FILES = ["Makefile", "counter.h", "mps2.ld", "profile.h", "runner.c", "semihost.c", "semihost.h", "startup.c"];

/** An int8 QAdd (the DSP kernels on cortex-m4) with its input. */
function qaddModel() {
  const a = new Tensor("int8", [8], Int8Array.from([1, -2, 3, -4, 5, -6, 7, -8]));
  const b = new Tensor("int8", [8], Int8Array.from([9, 10, -11, 12, -13, 14, 100, -100]));
  return singleNodeGraph("QAdd", [{ value: a }, { value: b, constant: true }], { a_scale: 0.5, a_zero_point: 1, b_scale: 0.25, b_zero_point: -1, y_scale: 0.5, y_zero_point: 2 });
}

describe("Cortex-M output: the library at the top, the QEMU harness in harness/", () => {
  it("the top is the --emit library output byte for byte; everything else is the harness", () => {
    const result = compile(qaddModel().graph, { target: "cortex-m4" });
    const library = outputFiles(result, "library");
    const top = new Map([...result.files].filter(([name]) => !name.includes("/")));
    expect(top).toEqual(library);
    const harness = [...result.files.keys()].filter((name) => name.includes("/")).sort();
    expect(harness).toEqual(HARNESS_FILES.map((f) => `${HARNESS_FOLDER}/${f}`));
    expect(result.files.get(`${HARNESS_FOLDER}/Makefile`)).toMatch(/^include \.\.\/model\.mk$/m);
  });

  it("make -C harness run reproduces the interpreter's bytes; the build stays in harness/ and the folder can be rewritten", async () => {
    const { graph, feeds } = qaddModel();
    const want = Array.from(runGraph(graph, feeds)[0]!.bytes());
    const result = compile(graph, { target: "cortex-m4" });
    const dir = join(work, "out");
    writeOutputDir(dir, result.files);
    const topBefore = readdirSync(dir).sort();
    const harness = harnessDir(dir);
    writeFileSync(join(harness, "in0.bin"), feeds[0]!.bytes());
    mkdirSync(join(harness, "result"));
    await run("make", ["-s", "-C", harness, "run", "ARGS=in0.bin result"], { timeout: CHILD_TIMEOUT_MS });
    expect(Array.from(readFileSync(join(harness, "result", "0.bin")))).toEqual(want);
    expect(readdirSync(dir).sort()).toEqual(topBefore);
    expect(readdirSync(harness)).toEqual(expect.arrayContaining(["obj", "runner.elf"]));
    // The run's own files are the user's; without them the built folder is Egret's to replace.
    rmSync(join(harness, "in0.bin"));
    rmSync(join(harness, "result"), { recursive: true });
    writeOutputDir(dir, result.files);
    expect(readdirSync(harness).sort()).toEqual(HARNESS_FILES);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, ...topBefore.filter((f) => f !== MANIFEST)].sort());
  });
});
