import type { Node } from "../../ir/graph.js";
import { Tensor } from "../../ir/tensor.js";

/**
 * Finding the quantized layers of an ONNX model whose parameters are all constants:
 * - QLinearConv / QLinearMatMul nodes;
 * - QDQ chains: DequantizeLinear(x) and DequantizeLinear(constant weights) into Conv, Gemm or
 *   MatMul (bias: DequantizeLinear of a constant int32, a float32 constant, or absent; weights
 *   may also be QuantizeLinear of float constants, as fake-quantized exports write), optionally through Relu,
 *   into QuantizeLinear (the layout onnxruntime's quantizer and TensorRT-style exporters write);
 * - DequantizeLinear operands into Add / Mul (optionally Relu) into QuantizeLinear;
 * - DequantizeLinear -> MaxPool -> QuantizeLinear with one set of parameters.
 * Anything else (run-time scales, per-axis activations, auto_pad SAME, transA, alpha/beta != 1,
 * opset 21 attributes) is not matched and keeps running through the ONNX-semantics ops.
 */

export type QType = "int8" | "uint8";

/** Scale and zero point of a per-tensor quantized activation. */
export interface ActParams {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly type: QType;
}

export interface QuantLayer {
  readonly kind: "conv" | "fc";
  /** The quantized input tensor (int8 or uint8, NCHW for conv, [..., K] for fc). */
  readonly x: string;
  readonly xq: ActParams;
  /** Conv: [M, C/group, kH, kW]; fc: [N, K] (already transposed from MatMul's [K, N]). */
  readonly weight: Tensor;
  readonly wScale: readonly number[];
  /** Per output channel (one value broadcast when per tensor). */
  readonly wZeroPoint: readonly number[];
  readonly bias?: Tensor | undefined;
  readonly y: string;
  readonly yq: ActParams;
  /** A Relu before the QuantizeLinear: the output clamps at its zero point. */
  readonly relu: boolean;
  /** The Conv's / QLinearConv's attributes (conv only). */
  readonly convAttrs?: Node["attrs"] | undefined;
  /** The nodes the layer replaces (they become dead once `y` has a new producer). */
  readonly replaces: readonly Node[];
}

export interface ModelView {
  readonly constant: (name: string) => Tensor | undefined;
  readonly producer: (name: string) => Node | undefined;
  /** How many node inputs and graph outputs read the tensor. */
  readonly uses: (name: string) => number;
}

const scalarOf = (t: Tensor | undefined): number | undefined => (t && t.size === 1 ? t.toNumbers()[0] : undefined);

/** Per-tensor activation parameters from constant scale / zero-point inputs. */
function actParams(view: ModelView, scaleName: string | undefined, zeroName: string | undefined): ActParams | undefined {
  const scale = scaleName ? view.constant(scaleName) : undefined;
  if (!scale || scale.dtype !== "float32") return undefined;
  const s = scalarOf(scale);
  if (s === undefined || !(s > 0) || !Number.isFinite(s)) return undefined;
  if (!zeroName) return { scale: s, zeroPoint: 0, type: "uint8" };
  const zero = view.constant(zeroName);
  if (!zero || (zero.dtype !== "int8" && zero.dtype !== "uint8")) return undefined;
  const z = scalarOf(zero);
  return z === undefined ? undefined : { scale: s, zeroPoint: z, type: zero.dtype };
}

interface WeightParams {
  readonly weight: Tensor;
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
}

const WEIGHT_TYPES = new Set(["int8", "uint8", "int4", "uint4"]);

/** Constant int8/uint8 (or int4/uint4) weights with per-tensor or per-`channels` (along `axis`) parameters. */
function weightParams(view: ModelView, wName: string, scaleName: string | undefined, zeroName: string | undefined, axis: number): WeightParams | undefined {
  const weight = view.constant(wName);
  const scale = scaleName ? view.constant(scaleName) : undefined;
  if (!weight || !WEIGHT_TYPES.has(weight.dtype) || !scale || scale.dtype !== "float32") return undefined;
  const channels = weight.shape[axis];
  if (channels === undefined) return undefined;
  const expand = (t: Tensor): number[] | undefined => {
    const v = Array.from(t.toNumbers());
    return v.length === 1 ? new Array<number>(channels).fill(v[0]!) : v.length === channels ? v : undefined;
  };
  const scales = expand(scale);
  const zero = zeroName ? view.constant(zeroName) : undefined;
  if (zeroName && (!zero || zero.dtype !== weight.dtype)) return undefined;
  const zeros = zero ? expand(zero) : new Array<number>(channels).fill(0);
  if (!scales || !zeros || scales.some((s) => !(s > 0) || !Number.isFinite(s))) return undefined;
  return { weight, scale: scales, zeroPoint: zeros };
}

/** A DequantizeLinear node producing `name`, with its inputs. */
function dequantizer(view: ModelView, name: string): Node | undefined {
  const node = view.producer(name);
  if (!node || node.op !== "DequantizeLinear" || node.attrs["block_size"] !== undefined) return undefined;
  return node;
}

const axisOf = (node: Node, rank: number): number => {
  const a = typeof node.attrs["axis"] === "number" ? (node.attrs["axis"] as number) : 1;
  return a < 0 ? a + rank : a;
};

/** [K, N] -> [N, K] (MatMul / Gemm transB = 0 weights into QFullyConnected's layout), and back. */
export function transpose2d(t: Tensor): Tensor {
  const [k, n] = t.shape as [number, number];
  const v = t.toNumbers();
  const out = new Float64Array(v.length);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) out[j * k + i] = v[i * n + j]!;
  return Tensor.fromNumbers(t.dtype, [n, k], out);
}

const convAttrsOk = (attrs: Node["attrs"]): boolean => {
  const autoPad = attrs["auto_pad"];
  return autoPad === undefined || autoPad === "NOTSET" || autoPad === "VALID";
};

/**
 * The bias as int32 at scale x_scale * w_scale[c] (what the integer kernels add to the
 * accumulator): DequantizeLinear of a constant int32 at that scale (onnxruntime's quantizer), or a
 * float32 constant (quantization-aware-training exports keep the bias float), rounded to the
 * nearest accumulator step, which is below 1/256 of an int8 output step for any sensible scales.
 */
function int32Bias(view: ModelView, name: string, xScale: number, wScale: readonly number[]): Tensor | undefined {
  const direct = view.constant(name);
  if (direct?.dtype === "float32" && direct.size === wScale.length) {
    const b = direct.toNumbers();
    const q = wScale.map((ws, c) => Math.round(b[c]! / (xScale * ws)));
    return q.every((v) => Math.abs(v) <= 2 ** 31 - 1) ? Tensor.fromNumbers("int32", [q.length], q) : undefined;
  }
  const dqb = dequantizer(view, name);
  const b = dqb ? view.constant(dqb.inputs[0]!) : undefined;
  const zero = dqb?.inputs[2] ? view.constant(dqb.inputs[2]) : undefined;
  const scale = dqb?.inputs[1] ? view.constant(dqb.inputs[1])?.toNumbers() : undefined;
  if (!b || b.dtype !== "int32" || b.size !== wScale.length || (zero && zero.toNumbers().some((v) => v !== 0)) || !scale) return undefined;
  // Another scale would mean another accumulator: not this layer.
  const fits = wScale.every((ws, c) => Math.abs((scale.length === 1 ? scale[0]! : scale[c]!) - xScale * ws) <= 1e-6 * xScale * ws);
  return fits ? b : undefined;
}

/** QLinearConv / QLinearMatMul with constant parameters. */
export function matchQLinear(view: ModelView, node: Node): QuantLayer | undefined {
  if (node.op === "QLinearConv") {
    const [x, xs, xz, w, ws, wz, ys, yz, b] = node.inputs;
    const xq = actParams(view, xs, xz);
    const yq = actParams(view, ys, yz);
    const wp = weightParams(view, w!, ws, wz, 0);
    const bias = b ? view.constant(b) : undefined;
    if (!xq || !yq || !wp || wp.weight.shape.length !== 4 || (b && bias?.dtype !== "int32") || !convAttrsOk(node.attrs)) return undefined;
    return { kind: "conv", x: x!, xq, weight: wp.weight, wScale: wp.scale, wZeroPoint: wp.zeroPoint, bias, y: node.outputs[0]!, yq, relu: false, convAttrs: node.attrs, replaces: [node] };
  }
  if (node.op === "QLinearMatMul") {
    const [a, as, az, b, bs, bz, ys, yz] = node.inputs;
    const xq = actParams(view, as, az);
    const yq = actParams(view, ys, yz);
    const wp = weightParams(view, b!, bs, bz, 1);
    if (!xq || !yq || !wp || wp.weight.shape.length !== 2) return undefined;
    return { kind: "fc", x: a!, xq, weight: transpose2d(wp.weight), wScale: wp.scale, wZeroPoint: wp.zeroPoint, y: node.outputs[0]!, yq, relu: false, replaces: [node] };
  }
  return undefined;
}

/** The layer under a QuantizeLinear: the op (through an optional single-use Relu) and the output parameters. */
interface QuantizedCore {
  readonly core: Node;
  readonly yq: ActParams;
  readonly relu: boolean;
  readonly replaces: Node[];
}

function quantizedCore(view: ModelView, q: Node, ops: readonly string[]): QuantizedCore | undefined {
  if (q.op !== "QuantizeLinear" || q.attrs["block_size"] !== undefined || q.attrs["output_dtype"] !== undefined) return undefined;
  const yq = actParams(view, q.inputs[1], q.inputs[2]);
  if (!yq) return undefined;
  let layerOut = q.inputs[0]!;
  let core = view.producer(layerOut);
  const replaces: Node[] = [q];
  let relu = false;
  if (core?.op === "Relu" && view.uses(layerOut) === 1) {
    replaces.push(core);
    relu = true;
    layerOut = core.inputs[0]!;
    core = view.producer(layerOut);
  }
  if (!core || view.uses(layerOut) !== 1 || !ops.includes(core.op) || core.outputs.length !== 1) return undefined;
  replaces.push(core);
  return { core, yq, relu, replaces };
}

/** QuantizeLinear <- [Relu <-] Conv | Gemm | MatMul <- DequantizeLinear inputs. */
export function matchQdqChain(view: ModelView, q: Node): QuantLayer | undefined {
  const found = quantizedCore(view, q, ["Conv", "Gemm", "MatMul"]);
  if (!found) return undefined;
  const { core, yq, relu, replaces } = found;
  const dqx = dequantizer(view, core.inputs[0]!);
  const dqw = dequantizer(view, core.inputs[1]!);
  if (!dqx || !dqw) return undefined;
  const xq = actParams(view, dqx.inputs[1], dqx.inputs[2]);
  if (!xq) return undefined;
  const wRank = view.constant(dqw.inputs[0]!)?.shape.length ?? 0;
  let weightAxis = 0;
  let transposeWeight = false;
  if (core.op === "Conv") {
    if (wRank !== 4 || !convAttrsOk(core.attrs)) return undefined;
  } else {
    if (wRank !== 2) return undefined;
    const a = core.attrs;
    const transB = core.op === "Gemm" && a["transB"] === 1;
    if (core.op === "Gemm" && ((a["transA"] ?? 0) !== 0 || (a["alpha"] ?? 1) !== 1 || (a["beta"] ?? 1) !== 1)) return undefined;
    weightAxis = transB ? 0 : 1;
    transposeWeight = !transB;
  }
  // A per-tensor weight DequantizeLinear has no meaningful axis; a per-channel one must be along the output channels.
  const wScaleT = dqw.inputs[1] ? view.constant(dqw.inputs[1]) : undefined;
  if (wScaleT && wScaleT.size > 1 && axisOf(dqw, wRank) !== weightAxis) return undefined;
  const wp = weightParams(view, dqw.inputs[0]!, dqw.inputs[1], dqw.inputs[2], weightAxis);
  if (!wp) return undefined;
  const bias = core.inputs[2] ? int32Bias(view, core.inputs[2], xq.scale, wp.scale) : undefined;
  if (core.inputs[2] && !bias) return undefined;
  const weight = transposeWeight ? transpose2d(wp.weight) : wp.weight;
  return {
    kind: core.op === "Conv" ? "conv" : "fc",
    x: dqx.inputs[0]!, xq, weight, wScale: wp.scale, wZeroPoint: wp.zeroPoint, bias, y: q.outputs[0]!, yq, relu,
    convAttrs: core.op === "Conv" ? core.attrs : undefined, replaces,
  };
}

/** DequantizeLinear -> MaxPool -> QuantizeLinear with one quantization on both sides: a max on integers. */
export interface QuantMaxPool {
  readonly kind: "maxpool";
  readonly x: string;
  readonly q: ActParams;
  readonly y: string;
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  /** [top, left, bottom, right] (ONNX's begin/end order for 2-D). */
  readonly pads: readonly number[];
  readonly replaces: readonly Node[];
}

const sameParams = (a: ActParams, b: ActParams): boolean => a.scale === b.scale && a.zeroPoint === b.zeroPoint && a.type === b.type;

/**
 * Quantization is monotone, so Q(max(DQ(x))) = max(x) exactly when the parameters agree. Only the
 * plain 2-D form: no ceil_mode, dilations, storage_order, Indices output or SAME auto_pad.
 */
export function matchQdqMaxPool(view: ModelView, q: Node): QuantMaxPool | undefined {
  if (q.op !== "QuantizeLinear" || q.attrs["block_size"] !== undefined || q.attrs["output_dtype"] !== undefined) return undefined;
  const yq = actParams(view, q.inputs[1], q.inputs[2]);
  const pool = view.producer(q.inputs[0]!);
  if (!yq || !pool || pool.op !== "MaxPool" || view.uses(q.inputs[0]!) !== 1 || (pool.outputs[1] ?? "") !== "") return undefined;
  const a = pool.attrs;
  const kernel = a["kernel_shape"] as readonly number[] | undefined;
  const ones = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every((d) => d === 1));
  if (!kernel || kernel.length !== 2 || (a["ceil_mode"] ?? 0) !== 0 || (a["storage_order"] ?? 0) !== 0 || !ones(a["dilations"])) return undefined;
  if (a["auto_pad"] !== undefined && a["auto_pad"] !== "NOTSET" && a["auto_pad"] !== "VALID") return undefined;
  const dq = dequantizer(view, pool.inputs[0]!);
  const xq = dq ? actParams(view, dq.inputs[1], dq.inputs[2]) : undefined;
  if (!dq || !xq || !sameParams(xq, yq)) return undefined;
  const pads = a["auto_pad"] === "VALID" ? [0, 0, 0, 0] : ((a["pads"] as readonly number[] | undefined) ?? [0, 0, 0, 0]);
  return { kind: "maxpool", x: dq.inputs[0]!, q: xq, y: q.outputs[0]!, kernel, strides: (a["strides"] as readonly number[] | undefined) ?? [1, 1], pads, replaces: [q, pool] };
}

/** QuantizeLinear <- [Relu <-] Add | Mul <- DequantizeLinear of both operands (per tensor). */
export interface QuantBinary {
  readonly kind: "add" | "mul";
  readonly a: string;
  readonly aq: ActParams;
  readonly b: string;
  readonly bq: ActParams;
  readonly y: string;
  readonly yq: ActParams;
  readonly relu: boolean;
  readonly replaces: readonly Node[];
}

export function matchQdqBinary(view: ModelView, q: Node): QuantBinary | undefined {
  const found = quantizedCore(view, q, ["Add", "Mul"]);
  if (!found) return undefined;
  const [dqa, dqb] = found.core.inputs.map((i) => dequantizer(view, i));
  const aq = dqa ? actParams(view, dqa.inputs[1], dqa.inputs[2]) : undefined;
  const bq = dqb ? actParams(view, dqb.inputs[1], dqb.inputs[2]) : undefined;
  if (!dqa || !dqb || !aq || !bq) return undefined;
  return {
    kind: found.core.op === "Add" ? "add" : "mul",
    a: dqa.inputs[0]!, aq, b: dqb.inputs[0]!, bq, y: q.outputs[0]!, yq: found.yq, relu: found.relu, replaces: found.replaces,
  };
}
