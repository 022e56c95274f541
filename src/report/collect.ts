import { basename } from "node:path";
import type { CostModel } from "../../costmodels/types.js";
import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import type { CompileResult } from "../pipeline/compile.js";
import type { MeasuredSize } from "../pipeline/target.js";
import type { EvalReport } from "../quantize/evaluate.js";
import { describeEgraph } from "./egraph-view.js";
import { describeMemory, stateBytesOf } from "./memory-view.js";
import type { Profile } from "./profile.js";
import { describeProgram } from "./program-view.js";
import { describeQuantError } from "./quant-view.js";
import { describeSizes } from "./size-view.js";
import type { ReportData } from "./types.js";

/** What one compile produced, plus the optional extras the report can show. */
export interface ReportInput {
  /** The model file as the user named it. */
  readonly model: string;
  readonly egretVersion: string;
  /** The model as imported, before quantization and the e-graph. */
  readonly before: Graph;
  readonly result: CompileResult;
  /** The target's cost model (the report prices both programs with it) and the compile's ops. */
  readonly costModel: CostModel;
  readonly ops: OpRegistry;
  /** Flash/RAM of a cross build of the output (targets with `sizeReport`). */
  readonly measuredSize?: MeasuredSize;
  readonly sramBudget?: number;
  /** Float vs quantized program on samples, and what those samples were. */
  readonly evaluation?: { readonly report: EvalReport; readonly source: string };
  readonly profile?: Profile;
}

/** Collects the report model from a compile's results (pure: same input, same data). */
export function collectReport(input: ReportInput): ReportData {
  const { result } = input;
  const s = result.summary;
  const costModel = input.costModel.name;
  const notes: string[] = [];
  let profile: ReportData["profile"];
  let measured: ReadonlyMap<string, number> | undefined;
  if (input.profile !== undefined) {
    const p = input.profile;
    measured = p.instructions;
    const matched = result.graph.nodes.filter((n) => p.instructions.has(n.name)).length;
    profile = { file: basename(p.file), matched, kernels: p.kernels };
    if (p.target !== s.target) notes.push(`The profile was measured on ${p.target}; this report compiles for ${s.target}.`);
    if (matched < p.instructions.size) notes.push(`${p.instructions.size - matched} profiled kernel calls name nodes this program does not have (profile of another compile?).`);
  }
  const stateBytes = stateBytesOf(result.files.get("model.c") ?? "");
  const memory = describeMemory(result.plan, result.graph.nodes.length, stateBytes, input.measuredSize?.ram.stack);
  if (input.measuredSize === undefined) notes.push(`Sizes are planned (weights, arena, state); code size and stack are measured only on targets with a cross build.`);
  const o = s.optimizer;
  if (o === undefined) notes.push("The e-graph optimizer did not run (--no-optimize): the program after equals the program before.");
  return {
    title: `${basename(input.model)} on ${s.target}`,
    model: basename(input.model),
    target: s.target,
    costModel,
    egretVersion: input.egretVersion,
    before: describeProgram("Imported model", input.before, input.costModel, input.ops),
    after: describeProgram(`Emitted program (${o === undefined ? "not optimised" : "optimised"}${input.evaluation === undefined ? "" : ", quantized"})`, result.graph, input.costModel, input.ops, measured),
    memory,
    sizes: describeSizes({ weightsBytes: s.weightsBytes, arenaBytes: s.arenaBytes, stateBytes }, input.measuredSize, input.sramBudget),
    ...(o === undefined ? {} : { egraph: describeEgraph(o, costModel, s.kernelCalls) }),
    ...(input.evaluation === undefined ? {} : { quant: describeQuantError(input.evaluation.report, input.evaluation.source) }),
    ...(profile === undefined ? {} : { profile }),
    notes,
  };
}
