import "../backends/all.js";
import { findBackend, targetNames, type Backend } from "../backends/index.js";
import { emitModel } from "./codegen/emit-model.js";
import { fail } from "./errors.js";
import { egraphToDot, graphToText } from "./egraph/ir/dump.js";
import { optimizeGraph, type ExtractorName, type OptimizerLimits, type SaturationReport } from "./egraph/ir/optimize.js";
import { NO_SAFETY_NET, wallClockSafetyNet, type SafetyNet } from "./egraph/safety-net.js";
import { selectWithinBudget } from "./egraph/ir/sram-select.js";
import type { Graph } from "./ir/graph.js";
import type { Tensor } from "./ir/tensor.js";
import type { ProgressListener } from "./progress.js";
import type { RuleAst } from "./rules/ast.js";
import type { StoragePlan } from "./schedule/storage.js";
import { loadRuleFiles, shippedRules } from "./rules/load.js";
import { PACKAGE_ROOT } from "./paths.js";
import { join } from "node:path";

/** Target names accepted by `--target` (see `backends/index.ts`). */
export const TARGETS: readonly string[] = targetNames();
export type Target = string;

export interface CompileOptions {
  readonly target?: Target;
  readonly sourceName?: string;
  /** Run the e-graph optimizer (default true); false compiles the imported graph as is. */
  readonly optimize?: boolean;
  /** User rules added to the shipped ones (`--rules FILE`). */
  readonly extraRules?: readonly RuleAst[];
  /**
   * Load the target's own rule files (default true): its lowering onto target kernels. false
   * extracts with the shipped rules only, the generic kernels (the baseline of measurements).
   */
  readonly targetRules?: boolean;
  /** Cost model for extraction (default: the target's own). */
  readonly costModel?: string;
  /** Also compile the unoptimised graph to report kernel calls before optimisation (`--json`). */
  readonly reportBaseline?: boolean;
  /** Extraction: "dag" (default; shared sub-expressions cost once, step-limited) or "greedy". */
  readonly extractor?: ExtractorName;
  /** Overrides of the optimizer's work limits (`OPTIMIZER_LIMITS`; `--limit NAME=N`). */
  readonly limits?: Partial<OptimizerLimits>;
  /**
   * The optimizer's wall-clock safety net in seconds (`--limit seconds=N`): past it the compile
   * fails naming the option, it never returns another program. 0 turns it off. Default
   * `DEFAULT_SAFETY_NET_SECONDS`.
   */
  readonly safetyNetSeconds?: number;
  /**
   * Largest arena in bytes (`--sram-budget`): extraction picks the cheapest candidate program whose
   * planned arena fits, or fails giving the budget and the smallest arena found.
   */
  readonly sramBudget?: number;
  /** Let outputs overwrite inputs that die at their node (default true; `--no-in-place`). */
  readonly inPlace?: boolean;
  /** Calibration inputs for targets that quantise during lowering (`--target k210 --calib PATH`). */
  readonly calibration?: readonly (readonly Tensor[])[];
  /** Debug dumps returned in `CompileResult.dumps` (`--dump egraph|ir DIR`). */
  readonly dump?: readonly DumpKind[];
  /** Progress of the optimizer (saturation iterations, extraction); the CLI shows it on a terminal. */
  readonly onProgress?: ProgressListener;
  /** `--input-type uint8` (k210): uint8 frame inputs meaning x = (u/255 − mean)/std. */
  readonly uint8Input?: { readonly mean: number; readonly std: number };
  /** Write the target's binary files (K210: model.kmodel); false = `--no-kmodel`. Default true. */
  readonly binaryFiles?: boolean;
}

/**
 * The default wall-clock safety net of the optimizer: far beyond what its work limits take on a
 * starved machine (about a second of CPU for the largest shared model), so it only trips on a
 * bug or a pathological input, and then loudly.
 */
export const DEFAULT_SAFETY_NET_SECONDS = 300;

/** A net that fails the compile after `seconds` (0: no net), naming the option that raises it. */
export function optimizerSafetyNet(seconds: number): SafetyNet {
  if (!(Number.isFinite(seconds) && seconds >= 0)) fail("bad-option", "option --limit seconds", `"${seconds}" is not a number of seconds >= 0 (0 turns the safety net off)`);
  if (seconds === 0) return NO_SAFETY_NET;
  return wallClockSafetyNet(seconds * 1000, (elapsedMs) =>
    fail(
      "limit",
      "optimizer safety net (--limit seconds)",
      `the e-graph optimizer ran ${(elapsedMs / 1000).toFixed(1)} s, past its ${seconds} s wall-clock safety net; its work limits make results independent of time, so it stops the compile rather than return another program. Raise it with --limit seconds=N (0 turns it off), lower --limit iterations/enodes/applications/extraction-steps, or use --no-optimize`,
    ),
  );
}

/** "egraph": the saturated e-graph as DOT; "ir": the graph before and after optimisation as text. */
export const DUMP_KINDS = ["egraph", "ir"] as const;
export type DumpKind = (typeof DUMP_KINDS)[number];

/**
 * `--dump KIND DIR` values (commander collects them as one list; the option may repeat): pairs of
 * a kind (`egraph`, `ir`, or both comma-separated, or `all`) and the directory to write to.
 */
export function parseDumpOption(values: readonly string[]): Array<{ kinds: DumpKind[]; dir: string }> {
  if (values.length % 2 !== 0) fail("bad-option", "option --dump", `expects KIND DIR pairs (e.g. --dump egraph dumps/), got "${values.join(" ")}"; put --dump after the model argument`);
  const pairs: Array<{ kinds: DumpKind[]; dir: string }> = [];
  for (let i = 0; i < values.length; i += 2) {
    const words = values[i]! === "all" ? [...DUMP_KINDS] : values[i]!.split(",");
    const kinds = words.map((word) => {
      const kind = DUMP_KINDS.find((k) => k === word);
      if (kind === undefined) fail("bad-option", "option --dump", `unknown dump "${word}"; choose egraph, ir, or all`);
      return kind;
    });
    pairs.push({ kinds, dir: values[i + 1]! });
  }
  return pairs;
}

export interface OptimizerSummary extends SaturationReport {
  /** Kernel calls of the unoptimised graph (only with `reportBaseline`). */
  readonly kernelCallsBefore?: number;
  readonly kernelCallsAfter: number;
}

export interface CompileSummary {
  readonly target: Target;
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
  /** The target's own figures (K210: KPU/CPU layers, KPU RAM, main RAM, kmodel size). */
  readonly targetReport?: Readonly<Record<string, number>>;
  /** The same for the text summary. */
  readonly targetLines?: string[];
}

export interface CompileResult {
  readonly files: ReadonlyMap<string, string>;
  /** Binary output files by name (e.g. `model.kmodel` for the K210); empty for most targets. */
  readonly binaryFiles: ReadonlyMap<string, Uint8Array>;
  readonly summary: CompileSummary;
  /** The program that was emitted (after optimisation), for cost models and benchmarks. */
  readonly graph: Graph;
  /** Dump files by name (`egraph.dot`, `ir-before.txt`, `ir-after.txt`); empty without `dump`. */
  readonly dumps: ReadonlyMap<string, string>;
  /** Where each tensor of `graph` lives: the arena plan with every buffer's offset and lifetime. */
  readonly plan: StoragePlan;
}

/**
 * Graph -> C sources for a target (pure: same graph and options, same bytes): the e-graph
 * optimizer (shipped rules plus `extraRules`, extraction by the target's cost model), then
 * storage planning and emission.
 */
export function compileGraph(graph: Graph, options: CompileOptions = {}): CompileResult {
  const target = options.target ?? "host";
  const backend = findBackend(target);
  if (backend === undefined) fail("bad-option", "option --target", `unknown target "${String(target)}"; choose one of: ${targetNames().join(", ")}`);
  const sourceName = options.sourceName ?? graph.name;
  const budget = options.sramBudget;
  if (budget !== undefined && !(Number.isSafeInteger(budget) && budget >= 0)) fail("bad-option", "option --sram-budget", `"${budget}" is not a whole number of bytes`);
  const dump = new Set(options.dump ?? []);
  if (dump.has("egraph") && options.optimize === false) fail("bad-option", "option --dump egraph", "there is no e-graph without the optimizer; drop --no-optimize or dump ir only");
  const costModel = options.costModel ?? backend.costModel;
  const optimized =
    options.optimize === false
      ? undefined
      : optimizeGraph(graph, {
          rules: [...shippedRules(), ...(options.targetRules === false ? [] : targetRules(backend)), ...(options.extraRules ?? [])],
          costModel,
          ...(options.extractor === undefined ? {} : { extractor: options.extractor }),
          ...(options.limits === undefined ? {} : { limits: options.limits }),
          safetyNet: optimizerSafetyNet(options.safetyNetSeconds ?? DEFAULT_SAFETY_NET_SECONDS),
          ...(budget === undefined ? {} : { sramBudget: budget }),
          ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        });
  // Without the optimizer the imported graph is the only candidate; it must still fit the budget.
  if (optimized === undefined && budget !== undefined) selectWithinBudget([{ label: "imported graph", graph }], budget, costModel);
  const extracted = optimized?.graph ?? graph;
  const lowerContext = { ...(options.calibration === undefined ? {} : { calibration: options.calibration }), ...(options.uint8Input === undefined ? {} : { uint8Input: options.uint8Input }) };
  if (options.uint8Input !== undefined && backend.lower === undefined) fail("bad-option", "option --input-type", `uint8 model inputs are a k210 option; target ${target} takes the model's own input types`);
  const program = backend.lower === undefined ? extracted : backend.lower(extracted, lowerContext);
  const dumps = new Map<string, string>();
  if (dump.has("egraph") && optimized !== undefined) dumps.set("egraph.dot", egraphToDot(optimized.encoded));
  if (dump.has("ir")) {
    dumps.set("ir-before.txt", graphToText(graph));
    dumps.set("ir-after.txt", graphToText(program));
  }
  const model = emitModel(program, { sourceName, ...backend.emitOptions, ...(options.inPlace === undefined ? {} : { inPlace: options.inPlace }) });
  const files = backend.files(model, program);
  const binaryFiles = (options.binaryFiles !== false ? backend.binaryFiles?.(model, program) : undefined) ?? new Map<string, Uint8Array>();
  const report = backend.report?.(model, program, binaryFiles);
  let optimizer: OptimizerSummary | undefined;
  if (optimized !== undefined) {
    const before = options.reportBaseline === true ? emitModel(graph, { sourceName }).kernelCalls : undefined;
    optimizer = { ...optimized.report, ...(before === undefined ? {} : { kernelCallsBefore: before }), kernelCallsAfter: model.kernelCalls };
  }
  return {
    files,
    binaryFiles,
    graph: program,
    dumps,
    plan: model.plan,
    summary: {
      target,
      files: [...files.keys(), ...binaryFiles.keys()].sort(),
      arenaBytes: model.plan.arena.size,
      arenaLowerBound: model.plan.arena.lowerBound,
      arenaScheduleBound: model.plan.scheduleBound,
      inPlaceNodes: new Set(model.plan.inPlace.map((p) => p.output)).size,
      kernelCalls: model.kernelCalls,
      weightsBytes: report?.weightsBytes ?? model.weightBytes,
      runtimeUnits: [...model.runtimeUnits],
      ...(report === undefined ? {} : { targetReport: report.figures, targetLines: [...report.lines] }),
      ...(optimizer === undefined ? {} : { optimizer }),
    },
  };
}

/** The target's own rule files (rules/targets/), parsed on each compile (they are small). */
function targetRules(backend: Backend): RuleAst[] {
  return loadRuleFiles((backend.ruleFiles ?? []).map((f) => join(PACKAGE_ROOT, "rules", "targets", f)));
}
