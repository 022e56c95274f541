import { expect } from "vitest";
import { buildGraph, runGraph, Tensor, type AttrValue, type DType, type Graph } from "../../src/index.js";
import { compareClose, compileAndRun, type CRunOptions } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";

/** One node of a multi-node test graph; its output is named after `name`. */
export interface TestNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly attrs?: Record<string, AttrValue>;
}

/**
 * A graph of independent single-node checks sharing run-time inputs, every node's output being a
 * graph output: one C build covers many ops.
 */
export function checksGraph(inputs: Readonly<Record<string, Tensor>>, nodes: readonly TestNode[], opset = 17): { graph: Graph; feeds: Tensor[] } {
  const names = Object.keys(inputs);
  const graph = buildGraph({
    name: "elementwise_checks",
    opset,
    inputs: names.map((name) => ({ name, dtype: inputs[name]!.dtype, dims: [...inputs[name]!.shape] })),
    outputs: nodes.map((n) => n.name),
    constants: new Map(),
    nodes: nodes.map((n) => ({ name: `${n.name}_node`, op: n.op, inputs: n.inputs, outputs: [n.name], attrs: n.attrs ?? {} })),
  });
  return { graph, feeds: names.map((n) => inputs[n]!) };
}

/**
 * Runs the graph through the interpreter and the generated C and expects every output to agree:
 * bit-exact for integer and bool outputs, within rtol 1e-4 / atol 1e-5 for floats.
 */
export function expectCMatchesInterpreter(graph: Graph, feeds: readonly Tensor[], options: CRunOptions = {}): void {
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds, options);
  graph.outputs.forEach((o, i) => {
    const r = ref[i]!;
    const g = got[i]!;
    expect(g.dtype, o.name).toBe(r.dtype);
    if (r.dtype === "float32" || r.dtype === "float64" || r.dtype === "float16") {
      const cmp = compareClose(g, r);
      expect(cmp.ok, `${o.name}: max abs error ${cmp.maxAbs} at element ${cmp.where}`).toBe(true);
    } else {
      expect(Array.from(g.data, String), o.name).toEqual(Array.from(r.data, String));
    }
  });
}

/** Seeded random values in [lo, hi) stored as `dtype` (integers truncate toward zero). */
export function randomOf(dtype: DType, shape: readonly number[], seed: number, lo: number, hi: number): Tensor {
  return Tensor.fromNumbers(dtype, shape, randomTensor(shape, seed, lo, hi).toNumbers());
}

export function values(t: Tensor | undefined): number[] {
  return Array.from(t!.toNumbers());
}
