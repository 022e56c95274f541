import type { RawModel } from "../../ir/build.js";
import type { Attrs, Node } from "../../ir/graph.js";
import { EgretError } from "../../errors.js";
import { CORE_OP_REGISTRY } from "../../ir/ops/index.js";
import { Tensor } from "../../ir/tensor.js";
import { int4Layer } from "./qdq-int4.js";
import {
  matchQdqBinary, matchQdqChain, matchQdqMaxPool, matchQLinear,
  type ActParams, type ModelView, type QuantBinary, type QuantLayer, type QuantMaxPool,
} from "./qdq-match.js";

/**
 * Pre-quantized ONNX onto the integer kernels (docs/quantized-ops.md). Runs on the RawModel,
 * before graph building, because building folds DequantizeLinear(constant weights) into float
 * weights and the integer weights would be lost.
 *
 * Every layer qdq-match.ts finds becomes
 *   conv: [uint8 -> int8] Transpose(NHWC) QConv2D | QDepthwiseConv2D Transpose(NCHW) [int8 -> uint8]
 *   fc:   [uint8 -> int8] QFullyConnected(keep_num_dims) [int8 -> uint8]
 *   DequantizeLinear -> MaxPool -> QuantizeLinear (same parameters): the same with QMaxPool2D
 *   DequantizeLinear operands -> Add | Mul [-> Relu] -> QuantizeLinear: QAdd | QMul (layout-free)
 * uint8 activations map exactly onto int8 by shifting values and zero points by 128 (a Cast to
 * int32 and a QRequantize with multiplier 1, which is exact); a chain of uint8 layers passes the
 * int8 tensor along and the shifts in between disappear. Weight zero points are folded into the
 * weights (w - w_zp) when every result fits int8, else the layer is left alone. The integer
 * kernels requantize with TFLite's fixed-point multiplier (round half away) where onnxruntime uses
 * float32 and round half to even: results agree within one quantization step.
 * Layers with int4 / uint4 weights become QLinearConv / QLinearMatMul instead (qdq-int4.ts).
 * Layers not matched keep their ONNX ops (QuantizeLinear... in src/ir/ops/quant/onnx-*.ts).
 */

const QUANT_OPS = new Set(["QuantizeLinear", "QLinearConv", "QLinearMatMul"]);
const NHWC = [0, 2, 3, 1];
const NCHW = [0, 3, 1, 2];
const ONNX_INT32 = 6;
const ONNX_UINT8 = 2;

export function lowerQuantizedOnnx(raw: RawModel): RawModel {
  if (!raw.nodes.some((n) => QUANT_OPS.has(n.op))) return raw;
  const lookup = new Map(raw.constants);
  for (const n of raw.nodes) {
    const value = n.attrs["value"];
    if (n.op === "Constant" && value instanceof Tensor && n.outputs[0]) lookup.set(n.outputs[0], value);
  }
  const producers = new Map<string, Node>();
  const uses = new Map<string, number>();
  const names = new Set<string>([...raw.constants.keys(), ...raw.inputs.map((i) => i.name)]);
  for (const n of raw.nodes) {
    names.add(n.name);
    n.outputs.forEach((o) => { producers.set(o, n); names.add(o); });
    n.inputs.forEach((i) => i !== "" && uses.set(i, (uses.get(i) ?? 0) + 1));
  }
  raw.outputs.forEach((o) => uses.set(o, (uses.get(o) ?? 0) + 1));
  // Fake-quantized weights (QuantizeLinear of a float constant) count as constants: folded here
  // with the op's own evaluator (building folds the same node the same way).
  const constant = (name: string): Tensor | undefined => {
    const known = lookup.get(name);
    const producer = producers.get(name);
    if (known || producer?.op !== "QuantizeLinear") return known;
    const args = producer.inputs.map((i) => (i === "" ? undefined : lookup.get(i)));
    if (args.some((t, i) => t === undefined && producer.inputs[i] !== "")) return undefined;
    try {
      const folded = CORE_OP_REGISTRY.get("QuantizeLinear")!.evaluate(producer, args)[0];
      if (folded) lookup.set(name, folded);
      return folded;
    } catch (e) {
      // A malformed node is not a pattern; graph building reports it with its own message.
      if (e instanceof EgretError) return undefined;
      throw e;
    }
  };
  const view: ModelView = { constant, producer: (n) => producers.get(n), uses: (n) => uses.get(n) ?? 0 };

  const emit = new Emitter(names, view);
  const replaced = new Set<Node>();
  const added = new Map<Node, Node[]>();
  for (const node of raw.nodes) {
    if (replaced.has(node)) continue;
    const layer = matchQLinear(view, node) ?? matchQdqChain(view, node) ?? matchQdqMaxPool(view, node) ?? matchQdqBinary(view, node);
    if (!layer || layer.replaces.some((r) => replaced.has(r))) continue;
    const nodes = emit.any(layer);
    if (!nodes) continue;
    layer.replaces.forEach((r) => replaced.add(r));
    added.set(node, nodes);
  }
  if (replaced.size === 0) return raw;
  const nodes = raw.nodes.flatMap((n) => added.get(n) ?? (replaced.has(n) ? [] : [n]));
  return { ...raw, nodes, constants: new Map([...raw.constants, ...emit.constants]) };
}

class Emitter {
  readonly constants = new Map<string, Tensor>();
  /** uint8 tensor -> the int8 tensor (values - 128) already computed for it. */
  private readonly int8Twin = new Map<string, string>();

  constructor(private readonly names: Set<string>, private readonly view: ModelView) {}

  fresh(base: string): string {
    let name = `${base}__egret`;
    for (let i = 1; this.names.has(name); i++) name = `${base}__egret_${i}`;
    this.names.add(name);
    return name;
  }

  node(op: string, inputs: string[], output: string, attrs: Attrs): Node {
    return { name: this.fresh(`${output}_${op}`), op, inputs, outputs: [output], attrs };
  }

  any(found: QuantLayer | QuantMaxPool | QuantBinary): Node[] | undefined {
    switch (found.kind) {
      case "maxpool": return this.maxPool(found);
      case "add": case "mul": return this.binary(found);
      default: return this.layer(found);
    }
  }

  /** The integer nodes of one layer, or undefined when its weights do not fit int8 exactly. */
  layer(l: QuantLayer): Node[] | undefined {
    if (l.weight.dtype === "int4" || l.weight.dtype === "uint4") {
      return int4Layer(l, { fresh: (b) => this.fresh(b), constant: (n, t) => this.constants.set(n, t), node: (op, i, o, a) => this.node(op, i, o, a) });
    }
    const weight = int8Weights(l);
    if (!weight) return undefined;
    const out: Node[] = [];
    const x = this.toInt8(l.x, l.xq, out);
    const xq = int8Params(l.xq);
    const yq = int8Params(l.yq);
    const wName = this.fresh(`${l.y}_weights`);
    this.constants.set(wName, weight);
    const inputs = [wName];
    if (l.bias) {
      const bName = this.fresh(`${l.y}_bias`);
      this.constants.set(bName, l.bias.reshape([l.bias.size]));
      inputs.push(bName);
    }
    const attrs: Attrs = {
      x_scale: xq.scale, x_zero_point: xq.zeroPoint, w_scale: [...l.wScale],
      y_scale: yq.scale, y_zero_point: yq.zeroPoint, act_min: l.relu ? yq.zeroPoint : -128, act_max: 127,
    };
    const y8 = l.yq.type === "int8" ? l.y : this.fresh(`${l.y}_int8`);
    if (l.kind === "conv") {
      const a = l.convAttrs ?? {};
      const valid = a["auto_pad"] === "VALID";
      const nhwc = this.fresh(`${l.x}_nhwc`);
      const conv = this.fresh(`${l.y}_nhwc`);
      const window = {
        strides: (a["strides"] as readonly number[] | undefined) ?? [1, 1],
        dilations: (a["dilations"] as readonly number[] | undefined) ?? [1, 1],
        pads: valid ? [0, 0, 0, 0] : ((a["pads"] as readonly number[] | undefined) ?? [0, 0, 0, 0]),
      };
      out.push(this.node("Transpose", [x], nhwc, { perm: NHWC }));
      const group = typeof a["group"] === "number" ? a["group"] : 1;
      const [m, cg, kh, kw] = l.weight.shape as [number, number, number, number];
      if (group > 1 && cg === 1) {
        // Depthwise (one input channel per group, so C = group): TFLite's [1, kh, kw, M] weights,
        // output channel c * multiplier + j reading input channel c, as ONNX's grouping does.
        this.constants.set(wName, depthwiseWeights(weight, m, kh, kw));
        out.push(this.node("QDepthwiseConv2D", [nhwc, ...inputs], conv, { ...attrs, ...window, depth_multiplier: m / group }));
      } else {
        out.push(this.node("QConv2D", [nhwc, ...inputs], conv, { ...attrs, ...window }));
      }
      out.push(this.node("Transpose", [conv], y8, { perm: NCHW }));
    } else {
      out.push(this.node("QFullyConnected", [x, ...inputs], y8, { ...attrs, keep_num_dims: 1 }));
    }
    this.fromInt8(y8, l.y, l.yq, out);
    return out;
  }

  /** QMaxPool2D between the layout transposes (and uint8 shifts). */
  maxPool(p: QuantMaxPool): Node[] {
    const out: Node[] = [];
    const x = this.toInt8(p.x, p.q, out);
    const y8 = p.q.type === "int8" ? p.y : this.fresh(`${p.y}_int8`);
    const nhwc = this.fresh(`${p.x}_nhwc`);
    const pooled = this.fresh(`${p.y}_nhwc`);
    out.push(this.node("Transpose", [x], nhwc, { perm: NHWC }));
    out.push(this.node("QMaxPool2D", [nhwc], pooled, { kernel: [...p.kernel], strides: [...p.strides], pads: [...p.pads] }));
    out.push(this.node("Transpose", [pooled], y8, { perm: NCHW }));
    this.fromInt8(y8, p.y, p.q, out);
    return out;
  }

  /** QAdd / QMul on the int8 forms of both operands (elementwise: no layout change). */
  binary(b: QuantBinary): Node[] {
    const out: Node[] = [];
    const a8 = this.toInt8(b.a, b.aq, out);
    const b8 = this.toInt8(b.b, b.bq, out);
    const aq = int8Params(b.aq);
    const bq = int8Params(b.bq);
    const yq = int8Params(b.yq);
    const y8 = b.yq.type === "int8" ? b.y : this.fresh(`${b.y}_int8`);
    out.push(this.node(b.kind === "add" ? "QAdd" : "QMul", [a8, b8], y8, {
      a_scale: aq.scale, a_zero_point: aq.zeroPoint, b_scale: bq.scale, b_zero_point: bq.zeroPoint,
      y_scale: yq.scale, y_zero_point: yq.zeroPoint, act_min: b.relu ? yq.zeroPoint : -128, act_max: 127,
    }));
    this.fromInt8(y8, b.y, b.yq, out);
    return out;
  }

  /** For a uint8 result `y`: the int8 -> uint8 shift from `y8` (which `y`'s int8 twin becomes). */
  private fromInt8(y8: string, y: string, q: ActParams, out: Node[]): void {
    if (q.type !== "uint8") return;
    const { scale, zeroPoint } = int8Params(q);
    const wide = this.fresh(`${y}_int32`);
    out.push(this.node("QRequantize", [y8], wide, { x_scale: scale, x_zero_point: zeroPoint, y_scale: scale, y_zero_point: zeroPoint + 128, to: "int32" }));
    out.push(this.node("Cast", [wide], y, { to: ONNX_UINT8 }));
    this.int8Twin.set(y, y8);
  }

  /**
   * A uint8 tensor made by a data-movement op from a tensor that has an int8 twin: the same op on
   * the twin (so a Reshape between two uint8 layers costs no shifts).
   */
  private movedTwin(name: string, out: Node[]): string | undefined {
    const producer = this.view.producer(name);
    if (!producer || !DATA_MOVEMENT.has(producer.op) || producer.outputs.length !== 1) return undefined;
    const source = this.int8Twin.get(producer.inputs[0]!) ?? this.movedTwin(producer.inputs[0]!, out);
    if (!source) return undefined;
    const moved = this.fresh(`${name}_int8`);
    out.push(this.node(producer.op, [source, ...producer.inputs.slice(1)], moved, producer.attrs));
    this.int8Twin.set(name, moved);
    return moved;
  }

  /** `name` as int8: itself, its known twin, or a new uint8 -> int8 shift appended to `out`. */
  private toInt8(name: string, q: ActParams, out: Node[]): string {
    if (q.type === "int8") return name;
    const twin = this.int8Twin.get(name) ?? this.movedTwin(name, out);
    if (twin) return twin;
    const producer = this.view.producer(name);
    const producerZero = producer?.op === "QuantizeLinear" && producer.inputs[2] ? this.view.constant(producer.inputs[2]) : undefined;
    if (producer && producerZero?.dtype === "uint8" && producerZero.size === 1) {
      // Quantizing straight to int8 with the zero point moved by 128 gives the same values - 128.
      const zero = this.fresh(`${name}_int8_zero_point`);
      this.constants.set(zero, Tensor.scalar("int8", producerZero.toNumbers()[0]! - 128));
      const direct = this.fresh(`${name}_int8`);
      out.push(this.node("QuantizeLinear", [producer.inputs[0]!, producer.inputs[1]!, zero], direct, producer.attrs));
      this.int8Twin.set(name, direct);
      return direct;
    }
    const wide = this.fresh(`${name}_int32`);
    const shifted = this.fresh(`${name}_int8`);
    out.push(this.node("Cast", [name], wide, { to: ONNX_INT32 }));
    out.push(this.node("QRequantize", [wide], shifted, { x_scale: q.scale, x_zero_point: q.zeroPoint, y_scale: q.scale, y_zero_point: q.zeroPoint - 128, to: "int8" }));
    this.int8Twin.set(name, shifted);
    return shifted;
  }
}

/** OHWI [M, kh, kw, 1] -> [1, kh, kw, M]. */
function depthwiseWeights(ohwi: Tensor, m: number, kh: number, kw: number): Tensor {
  const src = ohwi.data;
  const out = new Tensor("int8", [1, kh, kw, m]);
  for (let o = 0; o < m; o++) for (let t = 0; t < kh * kw; t++) out.data[t * m + o] = src[o * kh * kw + t]!;
  return out;
}

/** Ops that only move or relabel elements: on a twin they give the twin of their result. */
const DATA_MOVEMENT = new Set(["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"]);

/** The same real values on int8: uint8 zero points move down by 128. */
function int8Params(q: ActParams): { scale: number; zeroPoint: number } {
  return { scale: q.scale, zeroPoint: q.type === "uint8" ? q.zeroPoint - 128 : q.zeroPoint };
}

/**
 * w - w_zp[channel] as int8 (zero point 0, as the kernels require), conv weights reordered
 * OIHW -> OHWI; undefined when a value leaves [-128, 127].
 */
function int8Weights(l: QuantLayer): Tensor | undefined {
  const w = l.weight.toNumbers();
  const channels = l.weight.shape[0]!;
  const per = w.length / channels;
  const centred = w.map((v, i) => v - l.wZeroPoint[Math.floor(i / per)]!);
  if (centred.some((v) => v < -128 || v > 127)) return undefined;
  if (l.kind === "fc") return Tensor.fromNumbers("int8", l.weight.shape, centred);
  const [o, c, kh, kw] = l.weight.shape as [number, number, number, number];
  const ohwi = new Float64Array(centred.length);
  for (let m = 0; m < o; m++) for (let i = 0; i < c; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    ohwi[((m * kh + y) * kw + x) * c + i] = centred[((m * c + i) * kh + y) * kw + x]!;
  }
  return Tensor.fromNumbers("int8", [o, kh, kw, c], ohwi);
}
