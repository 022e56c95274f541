import type { DType } from "./dtype.js";
import type { Tensor } from "./tensor.js";

/** Type and static shape of a value. */
export interface ValueInfo {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export interface NamedValue extends ValueInfo {
  readonly name: string;
}

/**
 * Attribute values after import. Lists of ints/floats are `number[]`; tensor attributes stay
 * tensors; strings stay strings. Canonical op forms keep every attribute in this map (ONNX inputs
 * that must be constant are folded in here, see `OpDef.constInputs`).
 */
export type AttrValue = number | string | readonly number[] | readonly string[] | Tensor;
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface Node {
  /** Unique, human-readable node name (from the model, or made up as `<op>_<index>`). */
  readonly name: string;
  readonly op: string;
  /** Tensor names; "" marks an absent optional input. */
  readonly inputs: readonly string[];
  /** Tensor names; "" marks an output the model does not use. */
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
}

/**
 * A model after import: nodes in a valid execution order, every tensor typed and shaped.
 * Invariants: each tensor has exactly one producer (a node, a graph input or a constant); `values`
 * has an entry for every named tensor; `constants` never contains graph inputs.
 */
export interface Graph {
  readonly name: string;
  readonly inputs: readonly NamedValue[];
  readonly outputs: readonly NamedValue[];
  readonly nodes: readonly Node[];
  readonly constants: ReadonlyMap<string, Tensor>;
  readonly values: ReadonlyMap<string, ValueInfo>;
}

export function nodeLabel(node: Pick<Node, "name" | "op">): string {
  return `node "${node.name}" (${node.op})`;
}

export function valueOf(graph: Graph, name: string): ValueInfo {
  const v = graph.values.get(name);
  if (!v) throw new Error(`internal: tensor "${name}" has no type`);
  return v;
}

/** The nodes reading each value, in program order (optional inputs, "", are not values). */
export function readersOf(graph: Pick<Graph, "nodes">): Map<string, Node[]> {
  const readers = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (input === "") continue;
      const list = readers.get(input);
      if (list === undefined) readers.set(input, [node]);
      else list.push(node);
    }
  }
  return readers;
}
