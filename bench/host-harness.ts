import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { egret } from "../src/index.js";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";
import { writeOutputDir } from "../src/output.js";
import { RUNTIME_C_DIR } from "../src/paths.js";

/**
 * Egret's side of `npm run bench:host`: the model compiled for the host target, built with the
 * generated Makefile's own CFLAGS (what a user gets from `make`) into runtime-c/runner/bench_runner.c,
 * a harness that times each `model_run` call itself and serves batches of calls on request, so
 * the driver can interleave them with onnxruntime's calls in one run.
 */
export interface EgretHarness {
  /** Kernel calls and arena of the compiled program. */
  readonly kernelCalls: number;
  readonly arenaBytes: number;
  /** Runs `n` inferences; resolves to their wall times in microseconds. */
  batch(n: number): Promise<number[]>;
  /** Ends the harness; resolves to the outputs of its last inference, in graph output order. */
  finish(): Promise<Tensor[]>;
}

/**
 * The generated Makefile builds `runner` from $(SRCS); this extra makefile reuses its CFLAGS,
 * LDFLAGS and LDLIBS for the timing harness (runner.c swapped for bench_runner.c).
 */
const BENCH_MAKEFILE = [
  "bench_runner: $(filter-out runner.c,$(SRCS)) bench_runner.c $(wildcard *.h)",
  "\t$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) $(LDLIBS)",
  "",
].join("\n");

/** Compiles `graph` into `dir`, builds the harness with make and starts it on `inputs`. */
export function startHarness(graph: Graph, inputs: readonly Tensor[], dir: string): EgretHarness {
  const result = egret.compile(graph);
  const out = join(dir, "out");
  writeOutputDir(out, result.files);
  copyFileSync(join(RUNTIME_C_DIR, "runner", "bench_runner.c"), join(out, "bench_runner.c"));
  writeFileSync(join(out, "bench.mk"), BENCH_MAKEFILE);
  execFileSync("make", ["-s", "-C", out, "-f", "Makefile", "-f", "bench.mk", "bench_runner"], { stdio: ["ignore", "pipe", "pipe"] });
  const args = inputs.map((t, i) => {
    const p = join(dir, `in${i}.bin`);
    writeFileSync(p, t.bytes());
    return p;
  });
  const results = join(dir, "results");
  mkdirSync(results, { recursive: true });
  const child = spawn(join(out, "bench_runner"), [...args, results], { stdio: ["pipe", "pipe", "pipe"] });
  return driver(child, graph, results, { kernelCalls: result.summary.kernelCalls, arenaBytes: result.summary.arenaBytes });
}

function driver(child: ChildProcessWithoutNullStreams, graph: Graph, results: string, summary: { kernelCalls: number; arenaBytes: number }): EgretHarness {
  const lines: Interface = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  let stderr = "";
  let exited: number | null | undefined;
  const exitWaiters: Array<() => void> = [];
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  lines.on("line", (line) => waiting.shift()?.(line));
  child.on("exit", (code) => {
    exited = code;
    for (const w of exitWaiters.splice(0)) w();
  });
  const exitedPromise = (): Promise<void> => new Promise((resolve) => (exited !== undefined ? resolve() : exitWaiters.push(resolve)));
  return {
    ...summary,
    batch(n) {
      return new Promise((resolve, reject) => {
        if (exited !== undefined) {
          reject(new Error(`bench_runner exited (${String(exited)}): ${stderr.trim()}`));
          return;
        }
        waiting.push((line) => resolve(line.trim().split(/\s+/).map((ns) => Number(ns) / 1000)));
        child.stdin.write(`${n}\n`);
      });
    },
    async finish() {
      child.stdin.end("0\n");
      await exitedPromise();
      if (exited !== 0) throw new Error(`bench_runner failed (${String(exited)}): ${stderr.trim()}`);
      return graph.outputs.map((o, i) => Tensor.fromBytes(o.dtype, o.shape, readFileSync(join(results, `${i}.bin`))));
    },
  };
}
