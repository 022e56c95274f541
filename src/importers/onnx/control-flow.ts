import { fail } from "../../errors.js";
import { buildGraph, type BuildOptions, type RawModel } from "../../ir/build.js";
import { nodeLabel, type Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";
import { MAX_EXPANDED_NODES, type Expansion, type ExpandContext, type Probed } from "./expansion.js";
import { freeReferences } from "./inline.js";
import type { Subgraphs } from "./nodes.js";
import { expandIf, expandLoop, expandScan } from "./unroll.js";

/**
 * Expands ONNX control flow at import: every If, Loop and Scan node (top level or nested in
 * another's subgraph) is replaced by plain nodes, so the compiler core only ever sees straight-line
 * graphs. Conditions and trip counts must fold to constants; the values they depend on are found
 * by building ("probing") the part of the graph that computes them, with the same options
 * (frozen inputs, input shapes) as the final build.
 */

type Expander = (node: Node, graphs: Subgraphs, ctx: ExpandContext) => Expansion;

const EXPANDERS: Readonly<Record<string, Expander>> = { If: expandIf, Loop: expandLoop, Scan: expandScan };

/** The tensors an expander probes first (the rest it probes after unrolling). */
function probedInputs(node: Node): string[] {
  const n = node.op === "If" ? 1 : node.op === "Loop" ? 2 : node.inputs.length;
  return node.inputs.slice(0, n).filter((x) => x !== "");
}

export function expandControlFlow(raw: RawModel, subgraphs: ReadonlyMap<string, Subgraphs>, options: BuildOptions): RawModel {
  if (subgraphs.size === 0) return raw;
  const nodes = [...raw.nodes];
  const constants = new Map(raw.constants);
  const pending = new Map(subgraphs);
  let created = 0;
  while (pending.size > 0) {
    dropDeadControlFlow(nodes, pending, raw.outputs);
    if (pending.size === 0) break;
    const index = nextExpandable(nodes, pending);
    const node = nodes[index]!;
    const graphs = pending.get(node.name)!;
    pending.delete(node.name);
    const ctx: ExpandContext = {
      opset: raw.opset,
      probe: (names, extra) => probe(raw, extra ? [...nodes, ...extra.nodes] : nodes, extra ? new Map([...constants, ...extra.constants]) : constants, names, options),
    };
    const expansion = EXPANDERS[node.op]!(node, graphs, ctx);
    created += expansion.nodes.length;
    if (created > MAX_EXPANDED_NODES) {
      fail("unsupported-op", nodeLabel(node), `expanding the model's control flow would create more than ${MAX_EXPANDED_NODES} nodes; Egret unrolls loops at import, so shorten them or export the model with smaller trip counts`);
    }
    nodes.splice(index, 1, ...expansion.nodes);
    for (const [name, t] of expansion.constants) constants.set(name, t);
    for (const [name, g] of expansion.subgraphs) pending.set(name, g);
  }
  return { ...raw, nodes, constants };
}

/**
 * Removes pending control-flow nodes that no graph output depends on: exporters leave dead
 * branches behind, and their conditions need not be constant since they are never computed.
 */
function dropDeadControlFlow(nodes: Node[], pending: Map<string, Subgraphs>, outputs: readonly string[]): void {
  // A subgraph reads enclosing tensors without listing them as node inputs: count those reads too.
  const implicit = new Map([...pending].map(([name, graphs]) => [name, Object.values(graphs).flatMap((g) => [...freeReferences(g)])]));
  const live = new Set(ancestors(nodes, outputs, implicit).map((n) => n.name));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const name = nodes[i]!.name;
    if (pending.has(name) && !live.has(name)) {
      pending.delete(name);
      nodes.splice(i, 1);
    }
  }
}

/** The first pending control-flow node whose probed inputs do not depend on another pending one. */
function nextExpandable(nodes: readonly Node[], pending: ReadonlyMap<string, Subgraphs>): number {
  let first = -1;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (!pending.has(n.name)) continue;
    if (first < 0) first = i;
    if (!ancestors(nodes, probedInputs(n)).some((a) => pending.has(a.name))) return i;
  }
  if (first < 0) fail("internal", "control flow", "a subgraph belongs to no node of the graph");
  return first;
}

/** The nodes that compute `names`, in graph order; `implicit` adds inputs by node name. */
function ancestors(nodes: readonly Node[], names: readonly string[], implicit?: ReadonlyMap<string, readonly string[]>): Node[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o !== "" && producer.set(o, i)));
  const keep = new Set<number>();
  const todo = [...names];
  while (todo.length > 0) {
    const i = producer.get(todo.pop()!);
    if (i === undefined || keep.has(i)) continue;
    keep.add(i);
    todo.push(...nodes[i]!.inputs.filter((x) => x !== ""), ...(implicit?.get(nodes[i]!.name) ?? []));
  }
  return nodes.filter((_, i) => keep.has(i));
}

function probe(raw: RawModel, nodes: readonly Node[], constants: ReadonlyMap<string, Tensor>, names: readonly string[], options: BuildOptions): Map<string, Probed> {
  if (names.length === 0) return new Map();
  const graph = buildGraph({ name: raw.name, inputs: raw.inputs, outputs: [...names], constants, nodes: ancestors(nodes, names), opset: raw.opset }, options);
  return new Map(
    names.map((name) => {
      const value = graph.constants.get(name);
      return [name, value ? { info: graph.values.get(name)!, value } : { info: graph.values.get(name)! }];
    }),
  );
}
