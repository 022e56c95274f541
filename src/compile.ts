import { hostFiles } from "../backends/c99/target.js";
import { emitModel } from "./codegen/emit-model.js";
import { fail } from "./errors.js";
import type { Graph } from "./ir/graph.js";

export const TARGETS = ["host"] as const;
export type Target = (typeof TARGETS)[number];

export interface CompileOptions {
  readonly target?: Target;
  readonly sourceName?: string;
}

export interface CompileSummary {
  readonly target: Target;
  readonly files: string[];
  readonly arenaBytes: number;
  readonly arenaLowerBound: number;
  readonly kernelCalls: number;
  readonly weightsBytes: number;
  readonly runtimeUnits: string[];
}

export interface CompileResult {
  readonly files: ReadonlyMap<string, string>;
  readonly summary: CompileSummary;
}

/** Graph -> C sources for a target (pure: same graph, same bytes). */
export function compileGraph(graph: Graph, options: CompileOptions = {}): CompileResult {
  const target = options.target ?? "host";
  if (!TARGETS.includes(target)) fail("bad-option", "option --target", `unknown target "${String(target)}"; choose one of: ${TARGETS.join(", ")}`);
  const model = emitModel(graph, { sourceName: options.sourceName ?? graph.name });
  const files = hostFiles(model);
  return {
    files,
    summary: {
      target,
      files: [...files.keys()].sort(),
      arenaBytes: model.plan.arena.size,
      arenaLowerBound: model.plan.arena.lowerBound,
      kernelCalls: model.kernelCalls,
      weightsBytes: model.weightBytes,
      runtimeUnits: [...model.runtimeUnits],
    },
  };
}
