import { fail } from "../errors.js";
import type { Attrs, Graph, Node } from "../ir/graph.js";
import { Transpose } from "../ir/ops/transpose.js";
import { Tensor } from "../ir/tensor.js";
import { activationParams, quantizeReal, type ActDType, type QParams } from "./params.js";
import type { Range } from "./ranges/index.js";

/**
 * Where a quantized copy of a float tensor lives. `nat` has the float tensor's own shape (its
 * layout, whatever the float program used); `nhwc` is the NHWC view [0, 2, 3, 1] of a 4-D NCHW
 * float tensor, the layout of the integer window kernels.
 */
export type Layout = "nat" | "nhwc";
export const NCHW_TO_NHWC = [0, 2, 3, 1];
export const NHWC_TO_NCHW = [0, 3, 1, 2];

/** A quantized tensor of the integer program. */
export interface QTensor {
  readonly name: string;
  readonly dtype: ActDType;
  readonly layout: Layout;
  readonly params: QParams;
}

/**
 * State of one float -> integer rewrite: the nodes and constants of the integer program, and for
 * every float tensor its quantized copies (by dtype and layout) and whether its float value
 * exists. Copies are made on demand (QQuantize from float, QRequantize between dtypes, Transpose
 * between layouts, QDequantize back to float), each at most once, so a chain of integer layers
 * meets no conversion at all.
 */
export class QuantContext {
  readonly nodes: Node[] = [];
  readonly constants = new Map<string, Tensor>();
  private readonly used = new Set<string>();
  private readonly copies = new Map<string, QTensor[]>();
  /** Float tensors whose float value the program computes (graph inputs, float ops' outputs). */
  private readonly floats = new Set<string>();
  /** Nodes reading each float tensor. */
  private readonly readers = new Map<string, Node[]>();

  constructor(
    readonly source: Graph,
    /** The calibrated real range of each float activation. */
    private readonly ranges: ReadonlyMap<string, Range>,
    /** The activation dtype chosen for each float tensor. */
    readonly dtypeOf: (tensor: string) => ActDType,
  ) {
    for (const name of source.values.keys()) this.used.add(name);
    for (const name of source.constants.keys()) this.used.add(name);
    for (const i of source.inputs) this.floats.add(i.name);
    for (const node of source.nodes) for (const i of node.inputs) this.readers.set(i, [...(this.readers.get(i) ?? []), node]);
  }

  /** The nodes of the float program that read `tensor`. */
  consumers(tensor: string): readonly Node[] {
    return this.readers.get(tensor) ?? [];
  }

  isGraphOutput(tensor: string): boolean {
    return this.source.outputs.some((o) => o.name === tensor);
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Appends a node with one output named from `hint`; returns the output name. */
  emit(op: string, inputs: readonly string[], attrs: Attrs, hint: string): string {
    const out = this.fresh(hint);
    this.nodes.push({ name: out, op, inputs: [...inputs], outputs: [out], attrs });
    return out;
  }

  constant(hint: string, value: Tensor): string {
    const name = this.fresh(hint);
    this.constants.set(name, value);
    return name;
  }

  /** The calibrated parameters of float tensor `tensor` stored as `dtype`. */
  calibrated(tensor: string, dtype: ActDType): QParams {
    const r = this.ranges.get(tensor);
    if (!r) return fail("internal", `tensor "${tensor}"`, "has no calibration statistics (it was not computed while calibrating)");
    return activationParams(r, dtype);
  }

  /** Records a quantized copy of float tensor `tensor`. */
  setQuantized(tensor: string, q: QTensor): QTensor {
    const list = this.copies.get(tensor) ?? [];
    list.push(q);
    this.copies.set(tensor, list);
    return q;
  }

  /** Every quantized copy made of `tensor` (the first is the one its producer wrote). */
  copiesOf(tensor: string): readonly QTensor[] {
    return this.copies.get(tensor) ?? [];
  }

  markFloat(tensor: string): void {
    this.floats.add(tensor);
  }

  /** `tensor` as `dtype` in `layout`, converting an existing copy or quantizing the float value. */
  quantized(tensor: string, dtype: ActDType, layout: Layout): QTensor {
    const list = this.copiesOf(tensor);
    const exact = list.find((q) => q.dtype === dtype && q.layout === layout);
    if (exact) return exact;
    const sameDtype = list.find((q) => q.dtype === dtype);
    if (sameDtype) return this.relayout(tensor, sameDtype, layout);
    const sameLayout = list.find((q) => q.layout === layout) ?? list[0];
    if (sameLayout) {
      const params = this.calibrated(tensor, dtype);
      const name = this.emit("QRequantize", [sameLayout.name], { ...qAttrs("x", sameLayout.params), ...qAttrs("y", params), to: dtype }, `${tensor}:${dtype}`);
      const q = this.setQuantized(tensor, { name, dtype, layout: sameLayout.layout, params });
      return q.layout === layout ? q : this.relayout(tensor, q, layout);
    }
    const c = this.source.constants.get(tensor);
    if (c) return this.quantizedConstant(tensor, c, dtype, layout);
    const params = this.calibrated(tensor, dtype);
    const name = this.emit("QQuantize", [this.float(tensor)], { ...qAttrs("y", params), to: dtype }, `${tensor}:${dtype}`);
    const q = this.setQuantized(tensor, { name, dtype, layout: "nat", params });
    return layout === "nat" ? q : this.relayout(tensor, q, layout);
  }

  /** The float value of `tensor`: its own name (a dequantized copy takes the float tensor's name). */
  float(tensor: string): string {
    if (this.floats.has(tensor) || this.source.constants.has(tensor)) {
      if (this.source.constants.has(tensor)) this.constants.set(tensor, this.source.constants.get(tensor)!);
      return tensor;
    }
    const list = this.copiesOf(tensor);
    if (list.length === 0) return fail("internal", `tensor "${tensor}"`, "is used before it is computed");
    const best = list.find((q) => q.layout === "nat") ?? this.relayout(tensor, list[0]!, "nat");
    this.nodes.push({ name: tensor, op: "QDequantize", inputs: [best.name], outputs: [tensor], attrs: qAttrs("x", best.params) });
    this.floats.add(tensor);
    return tensor;
  }

  private relayout(tensor: string, q: QTensor, layout: Layout): QTensor {
    const perm = layout === "nhwc" ? NCHW_TO_NHWC : NHWC_TO_NCHW;
    const name = this.emit("Transpose", [q.name], { perm }, `${tensor}:${q.dtype}${layout === "nhwc" ? ":nhwc" : ""}`);
    return this.setQuantized(tensor, { ...q, name, layout });
  }

  /** A constant activation operand (an Add's constant) with its own per-tensor range. */
  private quantizedConstant(tensor: string, c: Tensor, dtype: ActDType, layout: Layout): QTensor {
    const values = c.toNumbers();
    let lo = 0;
    let hi = 0;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const params = activationParams({ lo, hi }, dtype);
    const codes = Tensor.fromNumbers(dtype, c.shape, Array.from(values, (v) => quantizeReal(v, params, dtype)));
    const stored = layout === "nhwc" ? permute(codes, NCHW_TO_NHWC) : codes;
    return this.setQuantized(tensor, { name: this.constant(`${tensor}:${dtype}${layout === "nhwc" ? ":nhwc" : ""}`, stored), dtype, layout, params });
  }
}

/** `<prefix>_scale` and `<prefix>_zero_point` attributes. */
export function qAttrs(prefix: "x" | "y" | "a" | "b", p: QParams): Attrs {
  return { [`${prefix}_scale`]: p.scale, [`${prefix}_zero_point`]: p.zeroPoint };
}

/** A constant tensor transposed by the Transpose op's evaluator (so layouts agree with the kernels). */
export function permute(t: Tensor, perm: readonly number[]): Tensor {
  const node: Node = { name: "permute", op: "Transpose", inputs: ["x"], outputs: ["y"], attrs: { perm: [...perm] } };
  return Transpose.evaluate(node, [t])[0]!;
}
