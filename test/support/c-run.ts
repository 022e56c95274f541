import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { compile, writeOutputDir, Tensor, type Graph } from "../../src/index.js";
import type { NamedValue } from "../../src/ir/graph.js";

const execFileAsync = promisify(execFile);

/** The project's strict C flags plus AddressSanitizer and UBSan; any report aborts the runner. */
export const SANITIZE_CFLAGS =
  "-O1 -g -std=c99 -Wall -Wextra -Werror -pedantic -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer";

export interface CRunOptions {
  /** Extra CFLAGS, e.g. sanitizers. Defaults to the Makefile's strict flags at -O1. */
  readonly cflags?: string;
  readonly keepDir?: boolean;
  /** Build with the generated Makefile's own CFLAGS (a target's flags) instead of `cflags`. */
  readonly makefileFlags?: boolean;
}

/**
 * Compiles a graph to C, builds it with `make`, runs `runner` on the inputs and reads the outputs
 * back: the generated-code half of every differential test.
 */
export function compileAndRun(graph: Graph, inputs: readonly Tensor[], options: CRunOptions = {}): Tensor[] {
  return buildAndRun(compile(graph).files, graph.outputs, inputs, options);
}

/** A written output directory, its make and runner arguments, and where the outputs land. */
interface PreparedRun {
  readonly work: string;
  readonly make: string[];
  readonly runner: string;
  readonly args: string[];
  readonly outDir: string;
}

function prepareRun(files: ReadonlyMap<string, string>, inputs: readonly Tensor[], options: CRunOptions): PreparedRun {
  const work = mkdtempSync(join(tmpdir(), "egret-c-"));
  const dir = join(work, "out");
  writeOutputDir(dir, files);
  const flags = options.cflags ?? "-O1 -std=c99 -Wall -Wextra -Werror -pedantic";
  const make = ["-s", "-C", dir, ...(options.makefileFlags === true ? [] : [`CFLAGS=${flags}`]), "runner"];
  const args = inputs.map((t, i) => {
    const p = join(work, `in${i}.bin`);
    writeFileSync(p, t.bytes());
    return p;
  });
  const outDir = join(work, "results");
  mkdirSync(outDir);
  return { work, make, runner: join(dir, "runner"), args: [...args, outDir], outDir };
}

function readOutputs(run: PreparedRun, outputs: readonly NamedValue[]): Tensor[] {
  return outputs.map((o, i) => Tensor.fromBytes(o.dtype, o.shape, readFileSync(join(run.outDir, `${i}.bin`))));
}

/**
 * Writes an output directory, builds its `runner` with `make` (strict flags at -O1 unless
 * `options.cflags`), runs it on the inputs and reads back one tensor per expected output.
 */
export function buildAndRun(files: ReadonlyMap<string, string>, outputs: readonly NamedValue[], inputs: readonly Tensor[], options: CRunOptions = {}): Tensor[] {
  const run = prepareRun(files, inputs, options);
  try {
    execFileSync("make", run.make, { stdio: ["ignore", "pipe", "pipe"] });
    execFileSync(run.runner, run.args, { stdio: ["ignore", "pipe", "pipe"] });
    return readOutputs(run, outputs);
  } finally {
    if (!options.keepDir) rmSync(run.work, { recursive: true, force: true });
  }
}

/**
 * buildAndRun with the build and the run as child processes the test awaits: the worker's event
 * loop stays free, so long sanitizer builds on a loaded machine do not starve vitest's RPC (a
 * synchronous stretch of over 60 s fails the file with `Timeout calling "onTaskUpdate"`).
 */
export async function buildAndRunAsync(files: ReadonlyMap<string, string>, outputs: readonly NamedValue[], inputs: readonly Tensor[], options: CRunOptions = {}): Promise<Tensor[]> {
  const run = prepareRun(files, inputs, options);
  try {
    await execFileAsync("make", run.make);
    await execFileAsync(run.runner, run.args);
    return readOutputs(run, outputs);
  } finally {
    if (!options.keepDir) rmSync(run.work, { recursive: true, force: true });
  }
}

/** Largest |a-b| and whether every element is within atol + rtol*|b| (NaNs must match). */
export function compareClose(actual: Tensor, expected: Tensor, rtol = 1e-4, atol = 1e-5): { ok: boolean; maxAbs: number; where: number } {
  const a = actual.toNumbers();
  const b = expected.toNumbers();
  let maxAbs = 0;
  let where = -1;
  let ok = a.length === b.length;
  for (let i = 0; ok && i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) { ok = false; where = i; }
      continue;
    }
    if (x === y) continue;
    const d = Math.abs(x - y);
    if (!(d <= atol + rtol * Math.abs(y))) { ok = false; where = i; }
    if (d > maxAbs || Number.isNaN(d)) maxAbs = d;
  }
  return { ok, maxAbs, where };
}
