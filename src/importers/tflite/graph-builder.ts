import type { RawInput, RawModel } from "../../ir/build.js";
import type { Attrs, Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";

/**
 * Collects the IR nodes, constants and inputs of a TFLite subgraph. TFLite tensor names are
 * reserved first (made unique), so every TFLite tensor keeps its name in the IR and intermediate
 * tensors can be compared with TFLite Micro's dumps; the helper nodes an operator expands into
 * (layout transposes, reshapes) get fresh names derived from the operator's output.
 */
export const TFLITE_IR_OPSET = 13;

export class TfliteGraphBuilder {
  private readonly used = new Set<string>();
  private readonly nodes: Node[] = [];
  private readonly constants = new Map<string, Tensor>();
  private readonly inputs: RawInput[] = [];
  /** Names handed out by `helper` whose node may still be renamed by `bind`. */
  private readonly helpers = new Set<string>();

  /** A fresh name: `base` itself when free, else `base_1`, `base_2`, ... */
  fresh(base: string): string {
    let name = base === "" ? "tensor" : base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a helper node; its single output gets a fresh name from `hint`. */
  helper(op: string, inputs: readonly string[], attrs: Attrs, hint: string): string {
    const name = this.fresh(hint);
    this.helpers.add(name);
    this.nodes.push({ name, op, inputs: [...inputs], outputs: [name], attrs });
    return name;
  }

  /** Adds a node whose single output is the already reserved tensor `out`. */
  node(op: string, inputs: readonly string[], attrs: Attrs, out: string): string {
    this.nodes.push({ name: out, op, inputs: [...inputs], outputs: [out], attrs });
    return out;
  }

  /**
   * Makes the result of an operator's expansion carry the reserved name `out`: the last helper
   * node is renamed when it produced `result` (nothing reads it yet), otherwise an Identity
   * copies `result` (an operator that is a no-op in the IR, such as a same-shape Reshape).
   */
  bind(result: string, out: string): void {
    if (result === out) return;
    const last = this.nodes[this.nodes.length - 1];
    if (last && this.helpers.has(result) && last.outputs.length === 1 && last.outputs[0] === result) {
      this.nodes[this.nodes.length - 1] = { ...last, name: out, outputs: [out] };
      this.helpers.delete(result);
      return;
    }
    this.node("Identity", [result], {}, out);
  }

  constant(name: string, value: Tensor): string {
    this.constants.set(name, value);
    return name;
  }

  hasConstant(name: string): boolean {
    return this.constants.has(name);
  }

  input(input: RawInput): void {
    this.inputs.push(input);
  }

  finish(name: string, outputs: readonly string[]): RawModel {
    return { name, inputs: this.inputs, outputs, constants: this.constants, nodes: this.nodes, opset: TFLITE_IR_OPSET };
  }
}
