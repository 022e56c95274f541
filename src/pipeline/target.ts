/**
 * The target plugin contract. A target is one folder, backends/<name>/, exporting one
 * `TargetPlugin` value; backends/registry.ts lists them (one line per plugin). The core never
 * imports a backend: the library entry builds a Toolchain (toolchain.ts) from the list and the
 * pipeline takes the chosen `Target` as a value.
 *
 * What a plugin owns: its ops (joined to the core ops in the toolchain's op registry), its rule
 * guards, and per `--target` name a cost model, rule files, a lowering of the extracted (and
 * quantized) program, the output files, and optional measurement (a cross build's size, a run
 * on a simulator). File readers (formats the target reads but Egret does not compile, e.g. a
 * compiled model) serve `egret info` and `egret run`.
 */
import type { CostModel } from "../../costmodels/types.js";
import type { EmitOptions, EmittedModel } from "../emit/emit-model.js";
import type { Graph, Node } from "../ir/graph.js";
import type { OpDef } from "../ir/op.js";
import type { OpRegistry } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";
import type { ForeignFormat } from "../importers/sniff.js";
import type { GuardList } from "../rules/arg-access.js";
import type { ProgressListener } from "../util/progress.js";
import type { CompileSummary } from "./compile.js";
import type { Diagnostics } from "./diagnostics.js";

export interface TargetPlugin {
  /** The plugin's folder name, e.g. "host". */
  readonly name: string;
  /** The `--target` names it provides. */
  readonly targets: readonly Target[];
  /** Ops only this plugin's programs use (lowered layers, faster kernel twins). */
  readonly ops?: readonly OpDef[];
  /** Rule guards its rule files use. */
  readonly guards?: GuardList;
  /** Formats it reads for `egret info` / `egret run` (not compiled). */
  readonly readers?: readonly ModelFileReader[];
  /** Options of its targets (`egret compile` / `egret report` flags), read by its lowering and files. */
  readonly options?: readonly TargetOption[];
}

/**
 * A command-line option a plugin adds (commander syntax). The CLI passes the values by `key` in
 * `CompileOptions.targetOptions`; a value other than the default for a target whose plugin does not
 * declare the option is refused by the pipeline.
 */
export interface TargetOption {
  /** Commander flags, e.g. "--input-type <type>" or "--no-kmodel". */
  readonly flags: string;
  /** The commander attribute name, e.g. "inputType", "kmodel". */
  readonly key: string;
  readonly description: string;
  readonly choices?: readonly string[];
  /** The value when the flag is absent (a `--no-x` flag defaults to true). */
  readonly default: string | boolean;
}

/** Target option values by `TargetOption.key`, plus the calibration data options (`mean`, `std`: numbers per channel). */
export type TargetOptionValues = Readonly<Record<string, string | boolean | readonly number[] | undefined>>;

/** A target's part of the compile summary. */
export interface TargetReport {
  /** Replaces the summary's weight bytes when the target keeps weights outside the emitted constants. */
  readonly weightsBytes?: number;
  /** Figures for `--json` (key -> number). */
  readonly figures: Readonly<Record<string, number>>;
  /** Lines for the text summary. */
  readonly lines: readonly string[];
}

export interface Target {
  /** `--target` name. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The model extraction minimises for this target. */
  readonly costModel: CostModel;
  /** Rule files for this target only (absolute paths; rules/targets/<name>.rules for the shipped ones). */
  readonly ruleFiles?: readonly string[];
  /**
   * Target rule files onto float-only kernels (e.g. blocked float32 conv/GEMM): they apply to the
   * program that is emitted, not to the float extraction quantization calibrates, whose rewrite
   * expects the generic Conv/Gemm/MatMul.
   */
  readonly floatRuleFiles?: readonly string[];
  /**
   * The target quantises its own layers from the calibration inputs during `lower` (an
   * accelerator's integer layers): the pipeline refuses `quantize` with this explanation and hands the calibration
   * inputs to the lowering instead.
   */
  readonly ownQuantization?: string;
  /** Target lowering of the extracted (and quantised) program, before planning and emission. */
  readonly lower?: (program: Graph, context: LowerContext) => Graph;
  /**
   * Its output is plain C99 (model.c/.h and Egret's kernels) that a firmware project can build as a
   * library (`compile --emit library`, `--single-file`); absent: a program for the target's own
   * runtime, which stays its runner build.
   */
  readonly libraryOutput?: boolean;
  /** Output directory contents; `program` is the graph `model` was emitted from. */
  files(model: EmittedModel, program: Graph, context: FilesContext): Map<string, string>;
  /** Binary output files (e.g. a compiled model for the accelerator's own runtime). */
  readonly binaryFiles?: (model: EmittedModel, program: Graph, context: FilesContext) => Map<string, Uint8Array>;
  /** Measured size of a written output directory (e.g. flash/RAM of a cross build), `compile --json`'s `targetSize`. */
  readonly sizeReport?: (outputDir: string, arenaBytes: number) => object;
  /**
   * `egret compile`'s closing lines: how to build and run the written output directory (a model with
   * `inputs` inputs) and what it takes of the target's memory (`size`: this target's `sizeReport`).
   */
  readonly runHint: (outputDir: string, inputs: number, summary: CompileSummary, size?: object) => string[];
  /** Target-specific emission options (e.g. a run function that returns a status). */
  readonly emitOptions?: Pick<EmitOptions, "fallibleRun" | "concatInPlace">;
  /** What the target adds to the compile summary (`egret compile` text and `--json`). */
  readonly report?: (model: EmittedModel, program: Graph, binaryFiles: ReadonlyMap<string, Uint8Array>, ops: OpRegistry) => TargetReport;
  /** Builds and runs programs for this target and counts their work (`egret run-target`, `egret bench`). */
  readonly measurement?: TargetMeasurement;
}

/** What a target's lowering may use. */
export interface LowerContext {
  /** Calibration inputs (each: one tensor per graph input), for targets that quantise themselves. */
  readonly calibration?: readonly (readonly Tensor[])[];
  readonly ops: OpRegistry;
  readonly diagnostics: Diagnostics;
  /** The plugin's option values (`TargetPlugin.options`). */
  readonly targetOptions: TargetOptionValues;
}

export interface FilesContext {
  readonly ops: OpRegistry;
  readonly diagnostics: Diagnostics;
  /** The plugin's option values (`TargetPlugin.options`). */
  readonly targetOptions: TargetOptionValues;
  /** The same program emitted with profiling hooks, when the compile asked for it. */
  readonly profiled?: EmittedModel;
}

/** A model format a plugin reads but Egret does not compile (detection: `ForeignFormat`). */
export interface ModelFileReader extends ForeignFormat {
  /** A description for `egret info`: text lines and a JSON value. */
  describe(bytes: Uint8Array, file: string): { readonly text: string; readonly json: object };
  /** Runs the file on raw input tensors for `egret run`: one named tensor per output. */
  run(bytes: Uint8Array, file: string, inputs: readonly Tensor[]): Array<{ readonly name: string; readonly tensor: Tensor }>;
}

/** A compile the measurement asks for (the library's compile, handed in by the caller). */
export type CompileForMeasurement = (
  graph: Graph,
  options: { readonly target: string; readonly sourceName: string; readonly targetRules: boolean; readonly profile: boolean; readonly sramBudget?: number },
) => {
  readonly files: ReadonlyMap<string, string>;
  readonly program: Graph;
  readonly arenaBytes: number;
  readonly ops: OpRegistry;
};

export interface MeasureRequest {
  /** Raw input bytes, one per model input. */
  readonly inputs: readonly Uint8Array[];
  /** "optimised": as compiled; "generic": the same cost model without the target's rules. */
  readonly kernels: "optimised" | "generic";
  /** Inferences per run (>= 2 to exclude the harness exactly). */
  readonly inferences: number;
  /** Also measure each kernel call. */
  readonly perOp: boolean;
  /** Build folder (created; its files are replaced). */
  readonly dir: string;
  readonly sourceName: string;
  /** Largest arena in bytes (`--sram-budget`): the optimised program is chosen to fit it. */
  readonly sramBudget?: number;
  /** Progress: compiling, building and each run. */
  readonly onProgress?: ProgressListener;
  /** Also estimate cycles from the executed instructions, where the target has a timing model (`bench --cycles`). */
  readonly cycleEstimate?: { readonly waitStates: number };
}

/** A cycle estimate from the instruction stream and the target's timing table. */
export interface EstimatedCycles {
  readonly perInference: number;
  /** The estimate's own instruction count for the same window (a cross-check of instructionsPerInference). */
  readonly instructionsPerInference: number;
  /** Flash wait states the estimate assumed. */
  readonly waitStates: number;
  /** What was applied, for reports, e.g. the core's timing table. */
  readonly model: string;
  /** Per kernel call, with `perOp`: estimated cycles, averaged over the inferences. */
  readonly perOp?: readonly number[];
}

export interface Measurement {
  /** The board or machine it ran on, e.g. "mps2-an386". */
  readonly machine: string;
  /** How it ran, for reports, e.g. "QEMU mps2-an386". */
  readonly environment: string;
  readonly instructionsPerInference: number;
  readonly firstInferenceInstructions: number;
  readonly inferences: number;
  /** Raw output bytes, one per model output. */
  readonly outputs: readonly Uint8Array[];
  readonly size: MeasuredSize;
  /** The program that was built. */
  readonly program: Graph;
  /** Per kernel call (with `perOp`): measured instructions and the cost model's predicted cycles. */
  readonly perOp?: readonly OpMeasurement[];
  /** With `cycleEstimate`, on a target with a timing model. */
  readonly estimatedCycles?: EstimatedCycles;
}

/** Bytes of a built image. */
export interface MeasuredSize {
  readonly flash: {
    /** Code of the whole image, harness included. */
    readonly text: number;
    /** Constants including the weights, plus initialised data's load image. */
    readonly rodata: number;
    /** Of rodata: the model's weight arrays. */
    readonly weights: number;
    readonly total: number;
  };
  readonly ram: {
    /** The model's arena. */
    readonly arena: number;
    /** All static data (arena included). */
    readonly staticBytes: number;
    /** Deepest stack of the model's run function and the kernels it calls. */
    readonly stack: number;
    /** The model's persistent state (SVDF/LSTM state, kept across runs). */
    readonly state: number;
    /** Other writable statics of the model (besides the state), e.g. one-time guards. */
    readonly otherStatic: number;
    /** arena + stack + state + otherStatic: what an application needs besides its input and output buffers. */
    readonly total: number;
  };
}

export interface OpMeasurement {
  readonly node: Node;
  readonly instructions: number;
  readonly predictedCycles: number;
}

export interface TargetMeasurement {
  /** Kernel sets it can build: "generic" (no target rules) when the target has its own rules. */
  readonly kernelSets: readonly MeasureRequest["kernels"][];
  measure(graph: Graph, request: MeasureRequest, compile: CompileForMeasurement): Measurement;
}
