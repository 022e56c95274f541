import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { compile, writeOutputDir, Tensor, type CompileSummary, type Graph } from "../../src/index.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/** The flags the acceptance criteria build every generated model with. */
export const CONFORMANCE_CFLAGS = "-O1 -std=c99 -Wall -Wextra -Werror -pedantic";

export type Stage = "compile" | "build" | "run";

/** A failure of one pipeline stage, with a one-line reason for the suite report. */
export class StageError extends Error {
  readonly stage: Stage;
  /** The generated runner was killed by a signal (segfault, abort): never acceptable. */
  readonly crashed: boolean;

  constructor(stage: Stage, reason: string, crashed = false) {
    super(`${stage}: ${reason}`);
    this.name = "StageError";
    this.stage = stage;
    this.crashed = crashed;
  }
}

/**
 * A model compiled to C and built once, run on as many input sets as needed. Asynchronous so that
 * the vitest worker stays responsive (and other cases can proceed) while gcc and the runner work.
 */
export interface BuiltModel {
  readonly summary: CompileSummary;
  /** Inputs in graph input order; outputs come back in graph output order. */
  run(inputs: readonly Tensor[]): Promise<Tensor[]>;
  /** Removes the temporary build folder. */
  dispose(): Promise<void>;
}

const exec = promisify(execFile);


/** Compiles `graph` with the host target, writes it to a temp dir and builds `runner` with make. */
export async function buildModel(graph: Graph, cflags = CONFORMANCE_CFLAGS): Promise<BuiltModel> {
  const work = await mkdtemp(join(tmpdir(), "egret-conf-"));
  const dir = join(work, "out");
  try {
    let summary: CompileSummary;
    try {
      const result = compile(graph);
      writeOutputDir(dir, result.files);
      summary = result.summary;
    } catch (e) {
      throw new StageError("compile", firstLine(e));
    }
    try {
      await exec("make", ["-s", "-C", dir, `CFLAGS=${cflags}`], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 << 20 });
    } catch (e) {
      throw new StageError("build", compilerError(e));
    }
    let runs = 0;
    return {
      summary,
      async run(inputs) {
        const runDir = join(work, `run${runs++}`);
        const outDir = join(runDir, "out");
        await mkdir(outDir, { recursive: true });
        const args = await Promise.all(
          inputs.map(async (t, i) => {
            const p = join(runDir, `in${i}.bin`);
            await writeFile(p, t.bytes());
            return p;
          }),
        );
        try {
          await exec(join(dir, "runner"), [...args, outDir], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 16 << 20 });
        } catch (e) {
          const signal = (e as { signal?: string | null }).signal;
          if (signal === "SIGTERM") throw new StageError("run", `runner timed out after ${CHILD_TIMEOUT_MS / 1000} s`);
          if (signal) throw new StageError("run", `runner killed by ${signal}`, true);
          const stderr = String((e as { stderr?: string }).stderr ?? "").trim();
          throw new StageError("run", `runner exited with status ${String((e as { code?: unknown }).code)}${stderr ? `: ${firstLine(stderr)}` : ""}`);
        }
        return Promise.all(graph.outputs.map(async (o, i) => Tensor.fromBytes(o.dtype, o.shape, await readFile(join(outDir, `${i}.bin`)))));
      },
      async dispose() {
        await rm(work, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

/** First line of an error's message, trimmed to fit one report line. */
export function firstLine(e: unknown, max = 200): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The first gcc diagnostic of a failed `make`, which names the generated file and line. */
function compilerError(e: unknown): string {
  const stderr = String((e as { stderr?: Buffer | string }).stderr ?? "");
  const diag = stderr.split("\n").find((l) => /error|undefined reference/.test(l));
  return firstLine(diag ?? (stderr || e));
}
