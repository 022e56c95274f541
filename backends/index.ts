/**
 * The code generation targets (`--target`). A backend turns the emitted model into the files of
 * the output directory, names the cost model that extraction uses for it, and may lower the
 * extracted program first (e.g. onto an accelerator's layers). Adding a target = one entry here.
 */
import { join } from "node:path";
import type { CompileSummary } from "../src/compile.js";
import type { EmittedModel, EmitOptions } from "../src/codegen/emit-model.js";
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
  /** Target-specific emission options (e.g. a run function that returns a status). */
  readonly emitOptions?: Pick<EmitOptions, "fallibleRun">;
  /** What the target adds to the compile summary (`egret compile` text and `--json`). */
  readonly report?: (model: EmittedModel, program: Graph, binaryFiles: ReadonlyMap<string, Uint8Array>) => TargetReport;
}

/** A target's part of the compile summary. */
export interface TargetReport {
  /** Replaces the summary's weight bytes when the target keeps weights outside the emitted constants. */
  readonly weightsBytes?: number;
  /** Figures for `--json` (key → number). */
  readonly figures: Readonly<Record<string, number>>;
  /** Lines for the text summary. */
  readonly lines: readonly string[];
}

/** What a target's lowering may need from the compile call. */
export interface LowerContext {
  /** Calibration inputs (each: one tensor per graph input), for targets that quantise themselves. */
  readonly calibration?: readonly (readonly Tensor[])[];
  /** `--input-type uint8` (K210): the 4-D inputs become uint8 frames meaning x = (u/255 − mean)/std. */
  readonly uint8Input?: { readonly mean: number; readonly std: number };
}

/**
 * The blocked float32 kernels (rules/targets/float-kernels.rules: register-tiled conv, depthwise,
 * Winograd and GEMM) for the targets that run Egret's C kernels on a CPU. Not shipped rules: the
 * K210 lowering and post-training quantization expect the generic Conv/Gemm/MatMul.
 */
export const FLOAT_KERNEL_RULES = "float-kernels.rules";

const host: Backend = {
  name: "host",
  description: "portable C99 for the build machine (any C99 compiler; Makefile builds ./runner)",
  costModel: "host",
  ruleFiles: [FLOAT_KERNEL_RULES],
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
