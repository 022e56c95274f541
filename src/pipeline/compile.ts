import { emitModel, type EmittedModel } from "../emit/emit-model.js";
import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import { egraphToDot, graphToText } from "../optimizer/dump.js";
import type { SaturationReport } from "../optimizer/optimize.js";
import type { CalibrationCheck } from "../quantize/calibration-check.js";
import type { PtqResult } from "../quantize/ptq.js";
import type { StoragePlan } from "../schedule/storage.js";
import { Diagnostics, type Diagnostic } from "./diagnostics.js";
import type { CompileOptions } from "./options.js";
import { optimizePhase, type Optimized } from "./optimize-phase.js";
import { quantizePhase, type Quantized } from "./quantize-phase.js";
import { checkTargetOptions } from "./target-options.js";
import type { Target, TargetReport } from "./target.js";
import { DEFAULT_TARGET, type Toolchain } from "./toolchain.js";

export interface OptimizerSummary extends SaturationReport {
  /** Kernel calls of the unoptimised graph (only with `reportBaseline`). */
  readonly kernelCallsBefore?: number;
  readonly kernelCallsAfter: number;
}

export interface CompileSummary {
  readonly target: string;
  readonly files: string[];
  readonly arenaBytes: number;
  /** The layer-wise bound: the most bytes live at one step, every tensor whole. */
  readonly arenaLowerBound: number;
  /** The bound of the emitted schedule: in-place outputs and their inputs counted by their overlap. */
  readonly arenaScheduleBound: number;
  /** Nodes whose output overwrites one of their inputs. */
  readonly inPlaceNodes: number;
  readonly kernelCalls: number;
  readonly weightsBytes: number;
  readonly runtimeUnits: string[];
  /** Present when the optimizer ran. */
  readonly optimizer?: OptimizerSummary;
  /** The target's own figures (e.g. accelerator layers, device RAM, a compiled model's size). */
  readonly targetReport?: Readonly<Record<string, number>>;
  /** The same for the text summary. */
  readonly targetLines?: string[];
}

export interface CompileResult {
  readonly files: ReadonlyMap<string, string>;
  /** Binary output files by name (e.g. a compiled accelerator model); empty for most targets. */
  readonly binaryFiles: ReadonlyMap<string, Uint8Array>;
  readonly summary: CompileSummary;
  /** The program that was emitted (after optimisation, quantization and lowering). */
  readonly graph: Graph;
  /** Dump files by name (`egraph.dot`, `ir-before.txt`, `ir-after.txt`); empty without `dump`. */
  readonly dumps: ReadonlyMap<string, string>;
  /** Warnings and notes of the compile, in the order they arose (the CLI prints them). */
  readonly diagnostics: readonly Diagnostic[];
  /** With `quantize`: the calibrated float program, the integer program and their correspondence. */
  readonly quantization?: PtqResult;
  /** With `quantize`: the integer program against the float one on the calibration samples. */
  readonly calibrationCheck?: CalibrationCheck;
  readonly emitted: EmittedModel;
  /** Where each tensor of `graph` lives: the arena plan with every buffer's offset and lifetime. */
  readonly plan: StoragePlan;
}

/**
 * The one pipeline, a list of named pure phases (same graph and options, same bytes):
 *   optimize  e-graph saturation with the shipped + target + user rules, extraction by the
 *             target's cost model (skipped with `optimize: false`);
 *   quantize  with `quantize`: calibration on the extracted float program, rewrite onto the
 *             integer ops, then optimize again (quantized rules and target rules apply to it);
 *   lower     the target's own lowering (e.g. accelerator layers, calibrated);
 *   emit      storage planning and C emission;
 *   files     the target's output files.
 */
export function compile(toolchain: Toolchain, graph: Graph, options: CompileOptions = {}): CompileResult {
  const target = toolchain.target(options.target ?? DEFAULT_TARGET);
  const targetOptions = options.targetOptions ?? {};
  checkOptions(target, options);
  checkTargetOptions(toolchain, target, targetOptions);
  const diagnostics = new Diagnostics();
  const ops = toolchain.ops;
  const sourceName = options.sourceName ?? graph.name;
  const phase = { toolchain, target, options };

  let entering = graph;
  let quantized: Quantized | undefined;
  if (options.quantize !== undefined) {
    const floatProgram = optimizePhase(phase, graph, "float").graph;
    quantized = quantizePhase(floatProgram, options.quantize, options.calibration, ops, diagnostics, options.onProgress);
    entering = quantized.result.graph;
  }
  const optimized = optimizePhase(phase, entering, "final");
  const program = target.lower === undefined ? optimized.graph : target.lower(optimized.graph, { ops, diagnostics, targetOptions, ...(options.calibration === undefined ? {} : { calibration: options.calibration }) });
  const emitOptions = { ops, sourceName, ...target.emitOptions, ...(options.inPlace === undefined ? {} : { inPlace: options.inPlace }), ...(options.concatInPlace === undefined ? {} : { concatInPlace: options.concatInPlace }) };
  const model = emitModel(program, emitOptions);
  const filesContext = { ops, diagnostics, targetOptions, ...(options.profile === true ? { profiled: emitModel(program, { ...emitOptions, profile: true }) } : {}) };
  const files = target.files(model, program, filesContext);
  const binaryFiles = target.binaryFiles?.(model, program, filesContext) ?? new Map<string, Uint8Array>();
  const report = target.report?.(model, program, binaryFiles, ops);
  return {
    files,
    binaryFiles,
    graph: program,
    dumps: dumpsOf(options, entering, program, optimized),
    diagnostics: diagnostics.all,
    ...(quantized === undefined ? {} : { quantization: quantized.result }),
    ...(quantized?.check === undefined ? {} : { calibrationCheck: quantized.check }),
    emitted: model,
    plan: model.plan,
    summary: summaryOf(target, model, files, binaryFiles, optimizerSummary(optimized, options.reportBaseline === true ? emitModel(entering, { ops, sourceName }).kernelCalls : undefined, model), report),
  };
}

function checkOptions(target: Target, options: CompileOptions): void {
  const budget = options.sramBudget;
  if (budget !== undefined && !(Number.isSafeInteger(budget) && budget >= 0)) fail("bad-option", "option --sram-budget", `"${budget}" is not a whole number of bytes`);
  if (options.dump?.includes("egraph") === true && options.optimize === false) fail("bad-option", "option --dump egraph", "there is no e-graph without the optimizer; drop --no-optimize or dump ir only");
  if (options.quantize !== undefined && target.ownQuantization !== undefined) fail("bad-option", "option --quantize", target.ownQuantization);
}

function dumpsOf(options: CompileOptions, before: Graph, after: Graph, optimized: Optimized): Map<string, string> {
  const dumps = new Map<string, string>();
  const kinds = new Set(options.dump ?? []);
  if (kinds.has("egraph") && optimized.result !== undefined) dumps.set("egraph.dot", egraphToDot(optimized.result.encoded));
  if (kinds.has("ir")) {
    dumps.set("ir-before.txt", graphToText(before));
    dumps.set("ir-after.txt", graphToText(after));
  }
  return dumps;
}

function optimizerSummary(optimized: Optimized, kernelCallsBefore: number | undefined, model: EmittedModel): OptimizerSummary | undefined {
  if (optimized.result === undefined) return undefined;
  return { ...optimized.result.report, ...(kernelCallsBefore === undefined ? {} : { kernelCallsBefore }), kernelCallsAfter: model.kernelCalls };
}

function summaryOf(target: Target, model: EmittedModel, files: ReadonlyMap<string, string>, binaryFiles: ReadonlyMap<string, Uint8Array>, optimizer: OptimizerSummary | undefined, report: TargetReport | undefined): CompileSummary {
  return {
    target: target.name,
    files: [...files.keys(), ...binaryFiles.keys()].sort(),
    arenaBytes: model.plan.arena.size,
    arenaLowerBound: model.plan.arena.lowerBound,
    arenaScheduleBound: model.plan.scheduleBound,
    inPlaceNodes: new Set(model.plan.inPlace.map((p) => p.output)).size,
    kernelCalls: model.kernelCalls,
    weightsBytes: report?.weightsBytes ?? model.weightBytes,
    runtimeUnits: [...model.runtimeUnits],
    ...(optimizer === undefined ? {} : { optimizer }),
    ...(report === undefined ? {} : { targetReport: report.figures, targetLines: [...report.lines] }),
  };
}
