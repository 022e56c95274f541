import type { RawInput, RawModel } from "../../ir/build.js";
import type { Attrs, Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";

/**
 * Collects the IR nodes, constants and inputs of a RawModel while a TensorFlow or Keras graph is
 * translated. Every name it hands out is unique across nodes, tensors and constants, so one
 * source node can expand into several IR nodes (`conv1/to_nchw`, `conv1`, ...) without clashes.
 *
 * The RawModel it produces uses ONNX opset 13 spellings: attributes such as `axes` are given
 * directly, which the core accepts for every op whose later opsets moved them to inputs.
 */
export const TF_IR_OPSET = 13;

export class RawGraphBuilder {
  private readonly used = new Set<string>();
  private readonly nodes: Node[] = [];
  private readonly constants = new Map<string, Tensor>();
  private readonly inputs: RawInput[] = [];

  /** A fresh name: `base` itself when free, else `base_1`, `base_2`, ... */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a single-output node named after `hint`; returns its output tensor name. */
  node(op: string, inputs: readonly string[], attrs: Attrs, hint: string): string {
    return this.nodeMulti(op, inputs, attrs, hint, 1)[0]!;
  }

  /** Adds a node with `outputs` outputs: the first is named like the node, the others `name:k`. */
  nodeMulti(op: string, inputs: readonly string[], attrs: Attrs, hint: string, outputs: number): string[] {
    const name = this.fresh(hint);
    const outs = [name, ...Array.from({ length: outputs - 1 }, (_, k) => this.fresh(`${name}:${k + 1}`))];
    this.nodes.push({ name, op, inputs: [...inputs], outputs: outs, attrs });
    return outs;
  }

  constant(hint: string, value: Tensor): string {
    const name = this.fresh(hint);
    this.constants.set(name, value);
    return name;
  }

  /** The value of `name` when it is a constant added here. */
  constantValue(name: string): Tensor | undefined {
    return this.constants.get(name);
  }

  input(input: RawInput): string {
    const name = this.fresh(input.name);
    this.inputs.push({ ...input, name });
    return name;
  }

  finish(name: string, outputs: readonly string[]): RawModel {
    return { name, inputs: this.inputs, outputs, constants: this.constants, nodes: this.nodes, opset: TF_IR_OPSET };
  }
}
