import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { compile, type Graph } from "../../src/index.js";
import { writeOutputDir } from "../../src/output.js";
import { CHILD_TIMEOUT_MS } from "./timeouts.js";

const execFileAsync = promisify(execFile);

export interface QemuRun {
  readonly modelC: string;
  /** Raw bytes of each model output after the last inference. */
  readonly outputs: Uint8Array[];
}

/**
 * Compiles `graph` for cortex-m4 (DSP rules on or off) into a folder of `work`, builds the harness
 * and runs `inferences` inferences of `input` under QEMU (the harness Makefile's `run` target, a
 * child process the caller awaits, so the worker's event loop stays free).
 */
export async function runCortexM4OnQemu(work: string, graph: Graph, input: Uint8Array, targetRules: boolean, inferences: number): Promise<QemuRun> {
  const out = join(work, `${graph.name}-${targetRules ? "optimised" : "generic"}-${inferences}`);
  const files = compile(graph, { target: "cortex-m4", targetRules }).files;
  writeOutputDir(out, files);
  const harness = join(out, "harness");
  writeFileSync(join(harness, "in0.bin"), input);
  mkdirSync(join(harness, "res"));
  await execFileAsync("make", ["-s", "-C", harness, "run", `ARGS=-n ${inferences} in0.bin res`], { timeout: CHILD_TIMEOUT_MS });
  return { modelC: files.get("model.c") ?? "", outputs: graph.outputs.map((_, i) => new Uint8Array(readFileSync(join(harness, "res", `${i}.bin`)))) };
}

/**
 * Writes compiled `files` to `dir`, runs one inference of `inputs` (one file per model input) under
 * QEMU through the harness Makefile and returns the raw bytes of the first `outputs` model outputs.
 */
export async function runFilesOnQemu(dir: string, files: ReadonlyMap<string, string>, inputs: readonly Uint8Array[], outputs: number): Promise<Uint8Array[]> {
  writeOutputDir(dir, files);
  const harness = join(dir, "harness");
  const names = inputs.map((bytes, i) => {
    writeFileSync(join(harness, `in${i}.bin`), bytes);
    return `in${i}.bin`;
  });
  mkdirSync(join(harness, "res"));
  await execFileAsync("make", ["-s", "-C", harness, "run", `ARGS=-n 1 ${names.join(" ")} res`], { timeout: CHILD_TIMEOUT_MS });
  return Array.from({ length: outputs }, (_, i) => new Uint8Array(readFileSync(join(harness, "res", `${i}.bin`))));
}
