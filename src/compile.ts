import { hostFiles } from "../backends/c99/target.js";
import { emitModel } from "./codegen/emit-model.js";
import { fail } from "./errors.js";
import { optimizeGraph, type SaturationReport } from "./egraph/ir/optimize.js";
import type { Graph } from "./ir/graph.js";
import type { RuleAst } from "./rules/ast.js";
import { shippedRules } from "./rules/load.js";

export const TARGETS = ["host"] as const;
export type Target = (typeof TARGETS)[number];

export interface CompileOptions {
  readonly target?: Target;
  readonly sourceName?: string;
  /** Run the e-graph optimizer (default true); false compiles the imported graph as is. */
  readonly optimize?: boolean;
  /** User rules added to the shipped ones (`--rules FILE`). */
  readonly extraRules?: readonly RuleAst[];
  /** Cost model for extraction (default: the target's, "host"). */
  readonly costModel?: string;
  /** Also compile the unoptimised graph to report kernel calls before optimisation (`--json`). */
  readonly reportBaseline?: boolean;
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
  readonly arenaLowerBound: number;
  readonly kernelCalls: number;
  readonly weightsBytes: number;
  readonly runtimeUnits: string[];
  /** Present when the optimizer ran. */
  readonly optimizer?: OptimizerSummary;
}

export interface CompileResult {
  readonly files: ReadonlyMap<string, string>;
  readonly summary: CompileSummary;
  /** The program that was emitted (after optimisation), for cost models and benchmarks. */
  readonly graph: Graph;
}

/**
 * Graph -> C sources for a target (pure: same graph and options, same bytes): the e-graph
 * optimizer (shipped rules plus `extraRules`, extraction by the target's cost model), then
 * storage planning and emission.
 */
export function compileGraph(graph: Graph, options: CompileOptions = {}): CompileResult {
  const target = options.target ?? "host";
  if (!TARGETS.includes(target)) fail("bad-option", "option --target", `unknown target "${String(target)}"; choose one of: ${TARGETS.join(", ")}`);
  const sourceName = options.sourceName ?? graph.name;
  const optimized = options.optimize === false ? undefined : optimizeGraph(graph, { rules: [...shippedRules(), ...(options.extraRules ?? [])], costModel: options.costModel ?? target });
  const program = optimized?.graph ?? graph;
  const model = emitModel(program, { sourceName });
  const files = hostFiles(model);
  let optimizer: OptimizerSummary | undefined;
  if (optimized !== undefined) {
    const before = options.reportBaseline === true ? emitModel(graph, { sourceName }).kernelCalls : undefined;
    optimizer = { ...optimized.report, ...(before === undefined ? {} : { kernelCallsBefore: before }), kernelCallsAfter: model.kernelCalls };
  }
  return {
    files,
    graph: program,
    summary: {
      target,
      files: [...files.keys()].sort(),
      arenaBytes: model.plan.arena.size,
      arenaLowerBound: model.plan.arena.lowerBound,
      kernelCalls: model.kernelCalls,
      weightsBytes: model.weightBytes,
      runtimeUnits: [...model.runtimeUnits],
      ...(optimizer === undefined ? {} : { optimizer }),
    },
  };
}
