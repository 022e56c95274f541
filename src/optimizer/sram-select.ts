import { collapse, programCost, sramPeak, type CostModel } from "../../costmodels/index.js";
import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { byteSize } from "../schedule/storage.js";
import { extractGreedy, type CostFunction } from "../egraph/extract.js";
import type { EncodedGraph } from "./encode.js";
import { decodeGraph } from "./decode.js";
import { LEAF_OPS } from "./ir-node.js";

/** A whole program that extraction could return, with how it was found. */
export interface ProgramCandidate {
  readonly label: string;
  readonly graph: Graph;
}

export interface EvaluatedCandidate {
  readonly label: string;
  /** Arena bytes the scheduler plans for it (the emitted `ARENA_SIZE`). */
  readonly arenaBytes: number;
  /** Collapsed cost-model cost of the whole program (each node once). */
  readonly cost: number;
}

export interface SramSelection {
  readonly graph: Graph;
  readonly chosen: EvaluatedCandidate;
  /** Every distinct candidate, in the order they were proposed. */
  readonly candidates: readonly EvaluatedCandidate[];
}

/**
 * Memory weights tried on top of the cost model, in cost units per byte of intermediate tensor.
 * Cycle-based models price a kernel at tens to thousands of units, so this spans "memory breaks
 * ties" to "memory dominates".
 */
export const MEMORY_WEIGHTS: readonly number[] = [1, 10, 100, 10_000];

/**
 * Programs that trade cost for memory: greedy extraction under the model's cost plus `weight` per
 * byte of every buffer a node writes to the arena (its output, unless it is a leaf or an alias
 * that shares its input's bytes). Larger weights prefer alternatives with smaller intermediates.
 * SRAM peak is not additive, so these are proposals; `selectWithinBudget` measures each one.
 */
export function memoryCandidates(encoded: EncodedGraph, base: CostFunction, weights: readonly number[] = MEMORY_WEIGHTS): ProgramCandidate[] {
  const { egraph } = encoded;
  const bufferBytes = new Map<number, number>();
  const bytesOf = (id: number): number => {
    const cls = egraph.find(id);
    let bytes = bufferBytes.get(cls);
    if (bytes === undefined) bufferBytes.set(cls, (bytes = egraph.data(cls).types.reduce((sum, t) => sum + byteSize(t), 0)));
    return bytes;
  };
  return weights.map((weight) => {
    const cost: CostFunction = (node, childCost) => {
      const writes = LEAF_OPS.has(node.op) || encoded.context.ops.get(node.op)?.alias === true ? 0 : bytesOf(egraph.lookup(node) ?? node.children[0]!);
      return base(node, childCost) + weight * writes;
    };
    return { label: `greedy+memory(${weight}/byte)`, graph: decodeGraph(encoded, extractGreedy(egraph, cost)) };
  });
}

/**
 * The cheapest candidate whose planned arena fits `budget` bytes (ties: the smaller arena, then
 * the earlier candidate). Fails with the budget and the smallest arena any candidate needs when
 * none fits. Candidates with identical node lists are evaluated once.
 */
export function selectWithinBudget(candidates: readonly ProgramCandidate[], budget: number, model: CostModel, ops: OpRegistry): SramSelection {
  const seen = new Set<string>();
  const evaluated: Array<EvaluatedCandidate & { readonly graph: Graph }> = [];
  for (const candidate of candidates) {
    const signature = candidate.graph.nodes.map((n) => `${n.op}(${n.inputs.join(",")})${JSON.stringify(n.attrs)}`).join(";");
    if (seen.has(signature)) continue;
    seen.add(signature);
    evaluated.push({
      label: candidate.label,
      graph: candidate.graph,
      arenaBytes: sramPeak(candidate.graph, ops).arenaBytes,
      cost: collapse(model, programCost(model, candidate.graph, ops)),
    });
  }
  const summary = evaluated.map(({ label, arenaBytes, cost }) => ({ label, arenaBytes, cost }));
  const fitting = evaluated.filter((c) => c.arenaBytes <= budget).sort((a, b) => a.cost - b.cost || a.arenaBytes - b.arenaBytes);
  const best = fitting[0];
  if (best === undefined) {
    const smallest = Math.min(...evaluated.map((c) => c.arenaBytes));
    fail(
      "bad-option",
      "option --sram-budget",
      `no program fits an arena of ${budget} bytes: the smallest arena found needs ${smallest} bytes (${evaluated.length} candidate programs tried); raise the budget to at least ${smallest} or simplify the model`,
    );
  }
  return { graph: best.graph, chosen: { label: best.label, arenaBytes: best.arenaBytes, cost: best.cost }, candidates: summary };
}
