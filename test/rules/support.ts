import { expect } from "vitest";
import { buildGraph, compile, runGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import { optimizeGraph, type OptimizeResult } from "../../src/optimizer/optimize.js";
import { shippedRules } from "../../src/rules/load.js";
import { buildAndRun, compareClose } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { HOST_OPTIMIZE, VOCABULARY } from "../support/toolchain.js";

/** Helpers for per-rule tests: small graphs, the shipped rules, and output comparisons. */

export interface ChainNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

/** A float32 graph with one input `x` of `shape`, the given constants and nodes; the last node's output is the graph output. */
export function chain(shape: readonly number[], constants: Readonly<Record<string, Tensor>>, nodes: readonly ChainNode[]): Graph {
  return buildGraph({
    name: "rule_test",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [...shape] }],
    outputs: [nodes[nodes.length - 1]!.output],
    constants: new Map(Object.entries(constants)),
    nodes: nodes.map((n, i) => ({ name: `n${i}_${n.op.toLowerCase()}`, op: n.op, inputs: [...n.inputs], outputs: [n.output], attrs: { ...(n.attrs ?? {}) } })),
  });
}

export function optimize(graph: Graph): OptimizeResult {
  return optimizeGraph(graph, { ...HOST_OPTIMIZE, rules: shippedRules(VOCABULARY) });
}

export function opsOf(graph: Graph): string[] {
  return graph.nodes.map((n) => n.op);
}

/** Random feeds for a graph's inputs (deterministic). */
export function feedsFor(graph: Graph, seed = 7): Tensor[] {
  return graph.inputs.map((input, i) => randomTensor(input.shape, seed + i));
}

/** The optimized graph computes what the original does (reference interpreter, rtol 1e-4). */
export function expectSameOutputs(original: Graph, optimized: Graph, feeds = feedsFor(original)): void {
  const want = runGraph(original, feeds);
  const got = runGraph(optimized, feeds);
  want.forEach((w, i) => {
    const cmp = compareClose(got[i]!, w);
    expect(cmp.ok, `output ${i}: max |diff| ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
  });
}

/** Builds the generated C of `graph` (with or without the optimizer) and runs it on `inputs`. */
export function runC(graph: Graph, inputs: readonly Tensor[], optimize: boolean): Tensor[] {
  return buildAndRun(compile(graph, { optimize }).files, graph.outputs, inputs);
}
