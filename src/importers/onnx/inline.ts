import type { Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";
import type { SubGraph, Subgraphs } from "./nodes.js";

/**
 * Copying a subgraph (an If branch, one iteration of a Loop or Scan body) into the enclosing
 * graph. ONNX subgraphs are lexically scoped: a name the subgraph does not define (as a formal
 * input, an initializer or a node output) refers to the enclosing graph and is kept; every name it
 * defines is renamed so that copies never collide.
 */
export interface Inlined {
  readonly nodes: Node[];
  readonly constants: Map<string, Tensor>;
  readonly subgraphs: Map<string, Subgraphs>;
  /** The subgraph's outputs, as names in the enclosing graph. */
  readonly outputs: string[];
}

/**
 * Inlines `sub`: its formal inputs become the enclosing tensors given by `bindings` (formal name
 * -> outer name), every other name it defines and every node name gets `prefix`.
 */
export function inlineSubgraph(sub: SubGraph, bindings: ReadonlyMap<string, string>, prefix: string): Inlined {
  const rename = new Map(bindings);
  for (const name of sub.constants.keys()) rename.set(name, prefix + name);
  for (const n of sub.nodes) for (const o of n.outputs) if (o !== "") rename.set(o, prefix + o);
  const r = (name: string) => rename.get(name) ?? name;
  const subgraphs = new Map<string, Subgraphs>();
  const nodes = sub.nodes.map((n) => {
    const name = prefix + n.name;
    const graphs = sub.subgraphs.get(n.name);
    if (graphs) subgraphs.set(name, mapGraphs(graphs, (g) => renameFree(g, rename)));
    return { ...n, name, inputs: n.inputs.map(r), outputs: n.outputs.map(r) };
  });
  const constants = new Map([...sub.constants].map(([name, t]) => [prefix + name, t]));
  return { nodes, constants, subgraphs, outputs: sub.outputs.map(r) };
}

/** Renames the free (enclosing-scope) references of a nested subgraph; its own names shadow. */
function renameFree(sub: SubGraph, rename: ReadonlyMap<string, string>): SubGraph {
  const local = new Set([...sub.inputs, ...sub.constants.keys(), ...sub.nodes.flatMap((n) => n.outputs)]);
  const free = new Map([...rename].filter(([name]) => !local.has(name)));
  if (free.size === 0) return sub;
  const r = (name: string) => free.get(name) ?? name;
  return {
    ...sub,
    outputs: sub.outputs.map(r),
    nodes: sub.nodes.map((n) => ({ ...n, inputs: n.inputs.map(r) })),
    subgraphs: new Map([...sub.subgraphs].map(([node, graphs]) => [node, mapGraphs(graphs, (g) => renameFree(g, free))])),
  };
}

function mapGraphs(graphs: Subgraphs, f: (g: SubGraph) => SubGraph): Subgraphs {
  return Object.fromEntries(Object.entries(graphs).map(([attr, g]) => [attr, f(g)]));
}

/** The enclosing-scope names a subgraph (and the subgraphs nested in it) reads. */
export function freeReferences(sub: SubGraph): Set<string> {
  const local = new Set([...sub.inputs, ...sub.constants.keys(), ...sub.nodes.flatMap((n) => n.outputs)]);
  const used = [...sub.outputs, ...sub.nodes.flatMap((n) => n.inputs)];
  for (const graphs of sub.subgraphs.values()) for (const g of Object.values(graphs)) used.push(...freeReferences(g));
  return new Set(used.filter((name) => name !== "" && !local.has(name)));
}
