import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeOutputDir } from "../../src/index.js";
import { CHILD_TIMEOUT_MS } from "./timeouts.js";

const execFileAsync = promisify(execFile);

/**
 * Builds a generated single-input program's `runner` once (make, `cflags`) and runs it on each
 * input in turn, awaiting the children: the raw bytes of output 0 for each input.
 */
export async function runEachAsync(files: ReadonlyMap<string, string>, inputs: readonly Uint8Array[], cflags: string): Promise<Uint8Array[]> {
  const work = mkdtempSync(join(tmpdir(), "egret-each-"));
  try {
    const dir = join(work, "out");
    writeOutputDir(dir, files);
    await execFileAsync("make", ["-s", "-C", dir, `CFLAGS=${cflags}`, "runner"], { timeout: CHILD_TIMEOUT_MS });
    const results: Uint8Array[] = [];
    for (const [k, bytes] of inputs.entries()) {
      const inPath = join(work, `in${k}.bin`);
      const outDir = join(work, `res${k}`);
      writeFileSync(inPath, bytes);
      mkdirSync(outDir);
      await execFileAsync(join(dir, "runner"), [inPath, outDir], { timeout: CHILD_TIMEOUT_MS });
      results.push(new Uint8Array(readFileSync(join(outDir, "0.bin"))));
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
