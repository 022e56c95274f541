import { buildGraph, Tensor, type AttrValue, type Graph, type ValueInfo } from "../../src/index.js";
import { seededRandom } from "../../src/util/prng.js";

/** One input of a single-node test graph: a runtime input (given its value) or a constant. */
export interface TestInput {
  readonly value: Tensor;
  /** Constants become initializers (weights); others are graph inputs fed at run time. */
  readonly constant?: boolean;
}

/**
 * A graph with one node of `op`: inputs named in0, in1, ... ("" entries stay absent), outputs
 * out0, out1, ... Returns the graph and the run-time inputs in graph order.
 */
export function singleNodeGraph(
  op: string,
  inputs: readonly (TestInput | undefined)[],
  attrs: Record<string, AttrValue> = {},
  outputs = 1,
  opset = 17,
): { graph: Graph; feeds: Tensor[] } {
  const names = inputs.map((inp, i) => (inp ? `in${i}` : ""));
  const constants = new Map<string, Tensor>();
  const feeds: Tensor[] = [];
  const rawInputs: { name: string; dtype: ValueInfo["dtype"]; dims: number[] }[] = [];
  inputs.forEach((inp, i) => {
    if (!inp) return;
    if (inp.constant) constants.set(`in${i}`, inp.value);
    else {
      rawInputs.push({ name: `in${i}`, dtype: inp.value.dtype, dims: [...inp.value.shape] });
      feeds.push(inp.value);
    }
  });
  const outs = Array.from({ length: outputs }, (_, i) => `out${i}`);
  const graph = buildGraph({
    name: `test_${op}`,
    opset,
    inputs: rawInputs,
    outputs: outs,
    constants,
    nodes: [{ name: `${op.toLowerCase()}_0`, op, inputs: names, outputs: outs, attrs }],
  });
  return { graph, feeds };
}

/** Deterministic uniform numbers in [0, 1) for reproducible test inputs (Egret's one seeded generator). */
export const rng = seededRandom;

/** Deterministic pseudo-random float32 values in [lo, hi). */
export function randomTensor(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = rng(seed);
  const n = shape.reduce((x, y) => x * y, 1);
  return Tensor.fromNumbers("float32", shape, Float64Array.from({ length: n }, () => lo + r() * (hi - lo)));
}

/** One input `x` feeding several single-input nodes, each a graph output: one C build covers many variants. */
export function fanOutGraph(x: Tensor, nodes: readonly { op: string; attrs: Record<string, AttrValue> }[]): Graph {
  return buildGraph({
    name: "fan_out",
    opset: 17,
    inputs: [{ name: "x", dtype: x.dtype, dims: [...x.shape] }],
    outputs: nodes.map((_, i) => `y${i}`),
    constants: new Map(),
    nodes: nodes.map((n, i) => ({ name: `n${i}_${n.op}`, op: n.op, inputs: ["x"], outputs: [`y${i}`], attrs: n.attrs })),
  });
}
