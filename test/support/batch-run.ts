import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { compile, writeOutputDir, type Graph } from "../../src/index.js";

/** The C harness stays in the source tree (tsc does not copy it to dist/), so resolve it from the root. */
const HARNESS = join(PACKAGE_ROOT, "test", "support", "batch_runner.c");

/**
 * Compiles a single-input, single-output graph to C once, links it with batch_runner.c and runs
 * every sample in one process: `inputs` holds `count` input tensors back to back (raw bytes), the
 * result holds the `count` outputs back to back.
 */
export function runBatchC(graph: Graph, inputs: Uint8Array, count: number, cflags = "-O2 -std=c99 -Wall -Wextra -Werror -pedantic"): Uint8Array {
  const work = mkdtempSync(join(tmpdir(), "egret-batch-"));
  try {
    const dir = join(work, "out");
    const result = compile(graph);
    writeOutputDir(dir, result.files);
    copyFileSync(HARNESS, join(dir, "batch_runner.c"));
    const sources = result.summary.files.filter((f) => f.endsWith(".c") && f !== "runner.c").map((f) => join(dir, f));
    const exe = join(dir, "batch_runner");
    execFileSync("cc", [...cflags.split(" "), "-o", exe, join(dir, "batch_runner.c"), ...sources, "-lm"], { stdio: ["ignore", "pipe", "pipe"] });
    const inPath = join(work, "in.bin");
    const outPath = join(work, "out.bin");
    writeFileSync(inPath, inputs);
    execFileSync(exe, [String(count), inPath, outPath], { stdio: ["ignore", "pipe", "pipe"] });
    return new Uint8Array(readFileSync(outPath));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
