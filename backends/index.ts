/**
 * The code generation targets (`--target`). A backend turns the emitted model into the files of
 * the output directory, names the cost model that extraction uses for it, and may lower the
 * extracted program first (e.g. onto an accelerator's layers). Adding a target = one entry here.
 */
import { join } from "node:path";
import type { CompileSummary } from "../src/compile.js";
import type { EmittedModel } from "../src/codegen/emit-model.js";
import type { Graph } from "../src/ir/graph.js";
import type { Tensor } from "../src/ir/tensor.js";
import { hostFiles } from "./c99/target.js";

export interface Backend {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** Cost model extraction uses unless the caller names another. */
  readonly costModel: string;
  /**
   * Extra rule files for this target only, relative to `rules/targets/` (e.g. "cortex-m.rules"):
   * lowering onto target kernels, weighed by the target's cost model during extraction.
   */
  readonly ruleFiles?: readonly string[];
  /** Target-specific lowering of the extracted program before storage planning and emission. */
  readonly lower?: (program: Graph, context?: LowerContext) => Graph;
  /** Output directory contents; `program` is the graph that `model` was emitted from. */
  files(model: EmittedModel, program: Graph): Map<string, string>;
  /**
   * Measured size of a written output directory (e.g. flash/RAM of a cross build), added to
   * `egret compile --json` as `targetSize`.
   */
  readonly sizeReport?: (outputDir: string, arenaBytes: number) => object;
  /**
   * `egret compile`'s closing lines: how to build and run the written output directory (a model with
   * `inputs` inputs) and what it takes of the target's memory (`size`: this backend's `sizeReport`).
   */
  readonly runHint: (outputDir: string, inputs: number, summary: CompileSummary, size?: object) => string[];
  /** Binary output files (e.g. a `.kmodel`), written next to the text files. */
  readonly binaryFiles?: (model: EmittedModel, program: Graph) => Map<string, Uint8Array>;
}

/** What a target's lowering may need from the compile call. */
export interface LowerContext {
  /** Calibration inputs (each: one tensor per graph input), for targets that quantise themselves. */
  readonly calibration?: readonly (readonly Tensor[])[];
}

const host: Backend = {
  name: "host",
  description: "portable C99 for the build machine (any C99 compiler; Makefile builds ./runner)",
  costModel: "host",
  files: (model) => hostFiles(model),
  runHint: (outputDir, inputs) => [`build: make -C ${outputDir}   run: ${join(outputDir, "runner")} ${inputFileNames(inputs)} OUTDIR`],
};

/** The runner's input file placeholders of a run hint: `IN0.bin IN1.bin ...`. */
export function inputFileNames(inputs: number): string {
  return Array.from({ length: inputs }, (_, i) => `IN${i}.bin`).join(" ");
}

const BACKENDS: Backend[] = [host];

/** Registers a target; names are unique. Backends register themselves from `backends/all.ts`. */
export function registerBackend(backend: Backend): void {
  if (BACKENDS.some((b) => b.name === backend.name)) throw new Error(`target "${backend.name}" registered twice`);
  BACKENDS.push(backend);
}

export function targetNames(): string[] {
  return BACKENDS.map((b) => b.name);
}

export function findBackend(name: string): Backend | undefined {
  return BACKENDS.find((b) => b.name === name);
}
