import { fail } from "../../errors.js";
import { nodeLabel, type AttrValue, type Node, type ValueInfo } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";
import type { Inlined } from "./inline.js";
import type { Subgraphs } from "./nodes.js";

/**
 * What expanding one control-flow node produces, and the tools the expanders share: plain nodes
 * and constants that replace the node, plus the subgraphs of nested control-flow nodes (expanded
 * in turn by the driver, control-flow.ts).
 */

/**
 * At most this many nodes are created by expanding control flow, per node and over the whole
 * model (the driver counts the total). Unrolling counts work: a loop that would exceed the budget
 * is refused with a clear error instead of exhausting memory.
 */
export const MAX_EXPANDED_NODES = 200_000;

/** A tensor of the enclosing graph as seen before the control-flow node: type, shape, value. */
export interface Probed {
  readonly info: ValueInfo;
  /** Present when the tensor is a compile-time constant (folded from initializers and frozen inputs). */
  readonly value?: Tensor;
}

export interface ExpandContext {
  /**
   * Type, shape and (when constant) value of tensors computed before the node, or by the nodes
   * `extra` has produced so far (a Loop's condition after an unrolled iteration).
   */
  probe(names: readonly string[], extra?: Expansion): Map<string, Probed>;
  readonly opset: number;
}

export class Expansion {
  readonly nodes: Node[] = [];
  readonly constants = new Map<string, Tensor>();
  readonly subgraphs = new Map<string, Subgraphs>();
  private count = 0;

  constructor(readonly owner: Node) {}

  /** Appends an inlined subgraph copy. */
  add(part: Inlined): void {
    this.nodes.push(...part.nodes);
    for (const [name, t] of part.constants) this.constants.set(name, t);
    for (const [name, g] of part.subgraphs) this.subgraphs.set(name, g);
    this.checkBudget();
  }

  /** Adds a plain node named after the owner; returns its first output. */
  node(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const name = `${this.owner.name}/${op}_${this.count++}`;
    const out = output ?? `${name}:0`;
    this.nodes.push({ name, op, inputs: [...inputs], outputs: [out], attrs });
    this.checkBudget();
    return out;
  }

  /** Adds a constant named after the owner; returns its name. */
  constant(hint: string, t: Tensor): string {
    const name = `${this.owner.name}/${hint}_${this.count++}`;
    this.constants.set(name, t);
    return name;
  }

  /** Stacks tensors of one shape along a new axis (Unsqueeze each, then Concat); returns the result's name. */
  stack(parts: readonly string[], axis: number, output?: string): string {
    const unsqueezed = parts.map((p) => this.node("Unsqueeze", [p], { axes: [axis] }));
    return this.node("Concat", unsqueezed, { axis }, output);
  }

  private checkBudget(): void {
    if (this.nodes.length > MAX_EXPANDED_NODES) {
      fail("unsupported-op", nodeLabel(this.owner), `unrolling it would create more than ${MAX_EXPANDED_NODES} nodes; Egret unrolls control flow at import, so shorten the loop or export the model with a smaller trip count`);
    }
  }
}

/** Reads a constant scalar (one element) input of a control-flow node, failing clearly otherwise. */
export function constantScalar(node: Node, probed: Probed | undefined, what: string, frozenHint: string): number {
  if (!probed?.value) {
    fail("non-constant", nodeLabel(node), `the ${what} must be a compile-time constant: Egret expands ${node.op} at import into straight-line code; ${frozenHint}`);
  }
  if (probed.value.shape.reduce((a, b) => a * b, 1) !== 1) {
    fail("bad-shape", nodeLabel(node), `the ${what} must hold one value, it has shape [${probed.value.shape.join(", ")}]`);
  }
  return probed.value.toNumbers()[0]!;
}
