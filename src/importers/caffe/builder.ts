import { fail } from "../../errors.js";
import type { RawInput } from "../../ir/build.js";
import type { AttrValue, Node, ValueInfo } from "../../ir/graph.js";
import { CORE_OP_REGISTRY } from "../../ir/ops/index.js";
import type { Tensor } from "../../ir/tensor.js";
import { blobAs } from "./blobs.js";
import { layerParams, layerSubject, type CaffeLayer } from "./net.js";
import type { Params } from "./params.js";

/** The ONNX opset the emitted nodes follow (single-axis Softmax, input-style Clip bounds). */
export const CAFFE_IR_OPSET = 13;

/**
 * One value of a Caffe blob name. Caffe blobs are mutable (in-place layers write their bottom),
 * the IR is SSA: every write makes a new version with its own tensor name. A version that no later
 * layer reads is a net output. An alias version (Split, Dropout) shares its source's tensor.
 */
interface Version {
  readonly tensor: string;
  consumed: boolean;
  readonly source?: Version;
}

/**
 * Accumulates the RawModel while layers are converted, and knows every tensor's type and shape as
 * it goes: converters need shapes (Flatten, Reshape with 0/-1, Crop, Slice), so each emitted node
 * is shape-inferred with the op's own `infer` right away.
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly constants = new Map<string, Tensor>();
  readonly inputs: RawInput[] = [];
  private readonly values = new Map<string, ValueInfo>();
  private readonly current = new Map<string, Version>();
  private readonly produced: Version[] = [];
  private readonly tensorNames = new Set<string>();
  private readonly nodeNames = new Set<string>();

  /** `blobNames`: every blob name of the net, reserved so that made-up names never collide. */
  constructor(
    private readonly blobNames: ReadonlySet<string>,
    readonly notes: string[],
  ) {}

  /** A fresh tensor name from `base` (used as is when free). */
  freshTensor(base: string): string {
    let name = base;
    for (let i = 1; this.tensorNames.has(name) || (name !== base && this.blobNames.has(name)); i++) name = `${base}_${i}`;
    this.tensorNames.add(name);
    return name;
  }

  freshNodeName(base: string): string {
    let name = base;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${base}_${i}`;
    this.nodeNames.add(name);
    return name;
  }

  hasBlob(blob: string): boolean {
    return this.current.has(blob);
  }

  addInput(blob: string, dims: readonly number[], declared: readonly (number | undefined)[] = dims): void {
    const tensor = this.freshTensor(blob);
    this.inputs.push({ name: tensor, dtype: "float32", dims: [...declared] });
    this.values.set(tensor, { dtype: "float32", shape: [...dims] });
    this.current.set(blob, { tensor, consumed: false });
  }

  addConstant(base: string, value: Tensor): string {
    const name = this.freshTensor(base);
    this.constants.set(name, value);
    this.values.set(name, { dtype: value.dtype, shape: value.shape });
    return name;
  }

  info(tensor: string): ValueInfo {
    const v = this.values.get(tensor);
    if (!v) return fail("internal", `tensor "${tensor}"`, "has no known type while importing the Caffe net");
    return v;
  }

  /** The tensor currently holding `blob`; the version counts as read. */
  read(blob: string, subject: string): string {
    const v = this.current.get(blob);
    if (!v) return fail("missing-tensor", subject, `reads blob "${blob}", which no earlier layer or net input produces; check the bottom names (layers must come after the layers they read)`);
    v.consumed = true;
    if (v.source) v.source.consumed = true;
    return v.tensor;
  }

  /** Records a new version of `blob` computed into `tensor`. */
  write(blob: string, tensor: string): void {
    const v: Version = { tensor, consumed: false };
    this.current.set(blob, v);
    this.produced.push(v);
  }

  /** Records `blob` as another name for the value of `tensor` (no copy). */
  writeAlias(blob: string, tensor: string): void {
    const source = [...this.current.values()].find((v) => v.tensor === tensor);
    const v: Version = { tensor, consumed: false, ...(source ? { source } : {}) };
    this.current.set(blob, v);
    this.produced.push(v);
  }

  /** Name for a new version of `blob` written by `layer`: the blob's own name on its first write. */
  versionName(blob: string, layer: string): string {
    return this.current.has(blob) || this.tensorNames.has(blob) ? this.freshTensor(`${blob}/${layer}`) : this.freshTensor(blob);
  }

  /** Emits a node, infers its output types right away and returns the output tensor names. */
  emit(nodeName: string, op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>>, outputs: readonly string[]): readonly string[] {
    const def = CORE_OP_REGISTRY.get(op);
    if (!def) return fail("internal", `node "${nodeName}"`, `the Caffe importer emitted unknown op ${op}`);
    const node: Node = { name: this.freshNodeName(nodeName), op, inputs: [...inputs], outputs: [...outputs], attrs };
    const prepared = def.canonicalize ? def.canonicalize(node, CAFFE_IR_OPSET) : node;
    const infos = def.infer(prepared, inputs.map((n) => this.info(n)));
    outputs.forEach((o, i) => {
      const info = infos[i];
      if (!info) fail("internal", `node "${node.name}"`, `${op} inferred ${infos.length} output types for ${outputs.length} outputs`);
      this.values.set(o, info);
    });
    this.nodes.push(node);
    return outputs;
  }

  /** Net outputs: the tensors of versions no layer read, in the order they were produced. */
  outputs(): string[] {
    const out: string[] = [];
    for (const v of this.produced) if (!v.consumed && !out.includes(v.tensor)) out.push(v.tensor);
    return out;
  }
}

/** What a layer converter works with: its layer, the builder, and helpers naming things after the layer. */
export class LayerCtx {
  readonly subject: string;
  private emitted = 0;

  constructor(
    readonly builder: GraphBuilder,
    readonly layer: CaffeLayer,
  ) {
    this.subject = layerSubject(layer);
  }

  params(name: `${string}_param`): Params {
    return layerParams(this.layer, name);
  }

  fail(message: string, code: "bad-attribute" | "bad-shape" | "missing-tensor" | "unsupported-op" = "bad-attribute"): never {
    return fail(code, this.subject, message);
  }

  note(message: string): void {
    this.builder.notes.push(`${this.subject}: ${message}`);
  }

  /** Checks the number of bottoms and tops against what the layer type takes. */
  arity(bottoms: readonly [number, number], tops: readonly [number, number]): void {
    const check = (what: string, n: number, [lo, hi]: readonly [number, number]) => {
      if (n < lo || n > hi) {
        const want = lo === hi ? `${lo}` : hi === Infinity ? `at least ${lo}` : `${lo} to ${hi}`;
        this.fail(`has ${n} ${what} blobs; a ${this.layer.type} layer takes ${want}`, "bad-shape");
      }
    };
    check("bottom", this.layer.bottoms.length, bottoms);
    check("top", this.layer.tops.length, tops);
  }

  /** The tensor of bottom `i`. */
  bottom(i: number): string {
    return this.builder.read(this.layer.bottoms[i]!, this.subject);
  }

  shape(tensor: string): readonly number[] {
    return this.builder.info(tensor).shape;
  }

  /** Learned blob `i` reshaped to `want`, as a named constant. */
  weight(i: number, want: readonly number[], what: string): string {
    return this.constant(what, blobAs(this.layer.blobs[i], want, this.subject, what));
  }

  blobTensor(i: number, want: readonly number[], what: string): Tensor {
    return blobAs(this.layer.blobs[i], want, this.subject, what);
  }

  constant(what: string, value: Tensor): string {
    return this.builder.addConstant(`${this.layer.name}.${what}`, value);
  }

  /** An intermediate node of this layer; returns its output tensor. */
  op(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string {
    const out = this.builder.freshTensor(`${this.layer.name}/${op}`);
    this.builder.emit(this.nodeName(op), op, inputs, attrs, [out]);
    return out;
  }

  /** The node that computes top `top`; the value becomes the top blob's new version. */
  opTop(top: number, op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string {
    return this.opTops([top], op, inputs, attrs)[0]!;
  }

  /** A node whose outputs are the given tops, in order (Slice). */
  opTops(tops: readonly number[], op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): readonly string[] {
    const blobs = tops.map((t) => this.layer.tops[t]!);
    const outs = blobs.map((blob) => this.builder.versionName(blob, this.layer.name));
    this.builder.emit(this.nodeName(op), op, inputs, attrs, outs);
    blobs.forEach((blob, i) => this.builder.write(blob, outs[i]!));
    return outs;
  }

  /** Top `top` is `tensor` unchanged (Split, Dropout, identity Power). */
  alias(top: number, tensor: string): void {
    this.builder.writeAlias(this.layer.tops[top]!, tensor);
  }

  private nodeName(op: string): string {
    // The first node carries the layer's name, so errors and `egret info` point at the layer.
    return this.emitted++ === 0 ? this.layer.name : `${this.layer.name}/${op}`;
  }
}
