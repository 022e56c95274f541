/**
 * One translator per Egret op the kmodel v4 writer supports: each appends the kmodel nodes of one
 * program node to the Planner (kmodel-plan.ts, which says what becomes what).
 */
import { attrFloat, attrInt, attrInts, attrString, hasAttr } from "../../../src/ir/attrs.js";
import type { Node } from "../../../src/ir/graph.js";
import { readFusedActivation } from "../../../src/ir/ops/fused-activation.js";
import { forwardWindow, readKernelShape, readWindowAttrs } from "../../../src/ir/ops/window.js";
import type { Tensor } from "../../../src/ir/tensor.js";
import { FLOAT_MAX } from "./bytes.js";
import { layerGeometry } from "../kpu-layer.js";
import { mapBytes } from "../kpu-ram.js";
import { KPU_CONV2D, kpuLayerOf, subsampleOf } from "../ops/kpu-conv2d.js";
import { writeKpuConv2dBody } from "./kpu-body.js";
import { KmodelUnsupported, prod, shape4, NHWC_TO_NCHW, type Buffer } from "./plan-types.js";
import type { Planner } from "./plan.js";
import { V4_OPCODES } from "./opcodes.js";
import { CPU_TRANSLATORS } from "./translate-cpu.js";
import { translateSlice } from "./translate-slice.js";
import { frameKpuInput, translateDequantize, translateUint8Transpose } from "./frame.js";
import { pointwiseTakingSubsample } from "./motion.js";
import { poolTakenByLayer } from "./pool-fusion.js";

/** The clamp of a fused activation as nncase's value_range, or a reason it has none. */
function actRange(node: Node): [number, number] {
  const act = readFusedActivation(node);
  if (act === undefined) return [-FLOAT_MAX, FLOAT_MAX];
  if (act.kind === "Relu") return [0, FLOAT_MAX];
  if (act.kind === "Relu6") return [0, 6];
  if (act.kind === "Clip") return [act.alpha, act.beta];
  throw new KmodelUnsupported(`node ${node.name} (${node.op}): fused ${act.kind} is not a clamp; kmodel v4 ops only fuse a value range`);
}

function translateKpuConv(p: Planner, node: Node, chain: boolean): void {
  const where = `node ${node.name} (${node.op})`;
  // A following pool may run in this layer's pool stage (pool-fusion.ts): its value is the map.
  const fused = poolTakenByLayer(p, node);
  if (fused !== undefined) p.fusedPools.add(fused.pool.name);
  const value = fused?.pool.outputs[0] ?? node.outputs[0]!;
  const layer = fused?.layer ?? p.movedLayers.get(node.name) ?? kpuLayerOf(node);
  const g = layerGeometry(layer.args);
  const nhwc = attrString(node, "layout", "NCHW") === "NHWC";
  const xScale = attrFloat(node, "x_scale");
  const xZero = attrInt(node, "x_zero_point");
  // Chaining (nncase's fold_kpu_upload): the producer's uint8 map is exactly what quantising its
  // dequantised output with the same parameters gives back, so read it in KPU RAM.
  const resident = chain ? p.kpuResident(node.inputs[0]!) : undefined;
  let kpuIn: Buffer;
  const sameQuant = resident !== undefined && resident.scale === xScale && resident.zeroPoint === xZero && resident.nhwc === nhwc;
  if (attrInt(node, "input_u8", 0) === 1) {
    kpuIn = frameKpuInput(p, node, g, where);
  } else if (sameQuant && resident.map !== undefined) {
    kpuIn = resident.map;
  } else {
    let xq: Buffer;
    if (sameQuant) {
      // A subsampled KPU output: its uint8 main-memory copy is this layer's quantised input.
      xq = resident.mainOutput();
    } else {
      xq = quantizedInput(p, node);
    }
    kpuIn = p.kpuBuffer(mapBytes(g.inWidth, g.inHeight, g.inChannels));
    const map = kpuIn;
    p.add({
      opcode: V4_OPCODES.kpu_upload, from: where, reads: [xq], writes: [map],
      body: (w, r) => void w.memoryRange(r(xq)).memoryRange(r(map)).i32s([1, g.inChannels, g.inHeight, g.inWidth]),
    });
  }
  const kpuOut = p.kpuBuffer(mapBytes(g.outWidth, g.outHeight, g.outChannels));
  const writes: Buffer[] = [kpuOut];
  let mainOutput: Buffer | undefined;
  const input = kpuIn;
  p.add({
    opcode: V4_OPCODES.kpu_conv2d, from: where, reads: [input], writes,
    body: (w, r) => writeKpuConv2dBody(w, layer, { srcLine: r(input).start / 64, dstLine: r(kpuOut).start / 64, ...(mainOutput ? { mainOutput: r(mainOutput) } : {}) }),
  });
  const quant = { scale: attrFloat(node, "y_scale"), zeroPoint: attrInt(node, "y_zero_point"), nhwc };
  // A following 1×1 layer may pick the (2i, 2j) outputs itself (motion.ts): keep the full map.
  const moved = chain ? pointwiseTakingSubsample(p, node) : undefined;
  if (moved !== undefined) p.movedLayers.set(moved.node.name, moved.layer);
  const sub = moved === undefined ? subsampleOf(node, g) : undefined;
  if (sub !== undefined) {
    // nncase v0.2 §5.3 step 6: the stride-1 map goes to main memory and a uint8 strided_slice
    // keeps every stride-th row and column; the value then lives in main memory only.
    const full = p.buffer("uint8", g.outChannels * g.outHeight * g.outWidth);
    mainOutput = full;
    writes.push(full);
    const picked = p.buffer("uint8", g.outChannels * sub.outHeight * sub.outWidth);
    const begin = [0, 0, sub.offsetY, sub.offsetX];
    const end = [1, g.outChannels, sub.offsetY + sub.stride * (sub.outHeight - 1) + 1, sub.offsetX + sub.stride * (sub.outWidth - 1) + 1];
    p.add({
      opcode: V4_OPCODES.strided_slice, from: where, reads: [full], writes: [picked],
      // masks all 0: begin/end are explicit
      body: (w, r) => void w.memoryRange(r(full)).memoryRange(r(picked)).i32s([1, g.outChannels, g.outHeight, g.outWidth]).i32s(begin).i32s(end).i32s([1, 1, sub.stride, sub.stride]).i32s([0, 0, 0, 0, 0]),
    });
    p.setKpu(node.outputs[0]!, { ...quant, mainOutput: () => picked });
    return;
  }
  p.setKpu(value, {
    map: kpuOut,
    ...quant,
    mainOutput: () => {
      if (mainOutput === undefined) {
        mainOutput = p.buffer("uint8", g.outChannels * g.outHeight * g.outWidth);
        writes.push(mainOutput);
      }
      return mainOutput;
    },
  });
  p.materialiseForCpu(value, where);
}

/**
 * The uint8 dense NCHW map a KPU layer reads, quantised from its float input (made once per
 * quantisation: prequantiseForKpu may have made it right after the producer, see there).
 */
export function quantizedInput(p: Planner, node: Node): Buffer {
  const where = `node ${node.name} (${node.op})`;
  const g = layerGeometry(kpuLayerOf(node).args);
  const nhwc = attrString(node, "layout", "NCHW") === "NHWC";
  const xScale = attrFloat(node, "x_scale");
  const xZero = attrInt(node, "x_zero_point");
  const key = `${node.inputs[0]}|${xScale}|${xZero}|${nhwc}`;
  const cached = p.quantised.get(key);
  if (cached !== undefined) return cached;
  // An NHWC float value with no channels-first copy (e.g. the model input) is quantised in its
  // own order and the uint8 map transposed: a quarter of the main memory of a float transpose.
  const nhwcOnly = nhwc ? p.logicalOnly(node.inputs[0]!) : undefined;
  const x = nhwcOnly ?? (nhwc ? p.nchw(node.inputs[0]!, where) : p.logical(node.inputs[0]!, where));
  const q = p.buffer("uint8", g.inChannels * g.inHeight * g.inWidth);
  const inScale = Math.fround(1 / xScale);
  // v4 quant_param.scale is levels per unit (1/scale): quantize multiplies by it.
  p.add({ opcode: V4_OPCODES.quantize, from: where, reads: [x], writes: [q], body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(q)).i32(xZero).f32(inScale) });
  const xq = nhwcOnly === undefined ? q : p.transpose(q, [1, g.inHeight, g.inWidth, g.inChannels], NHWC_TO_NCHW, where);
  p.quantised.set(key, xq);
  return xq;
}

/**
 * A float value that only KPU layers read is quantised for all of them right after its producer
 * (as nncase orders it), so the float copy dies there instead of living until the last reader.
 */
export function prequantiseForKpu(p: Planner, name: string): void {
  if (p.kpuResident(name) !== undefined || p.program.outputs.some((o) => o.name === name) || p.program.values.get(name)?.dtype !== "float32") return;
  const readers = p.program.nodes.filter((n) => n.inputs.includes(name));
  const kpuOnly = readers.length > 0 && readers.every((n) => n.op === KPU_CONV2D && n.inputs[0] === name && attrInt(n, "input_u8", 0) !== 1);
  if (kpuOnly) for (const r of readers) quantizedInput(p, r);
}

function translateConv(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const nhwc = attrString(node, "layout", "NCHW") === "NHWC";
  const xShape = p.shapeOf(node.inputs[0]!, where);
  if (xShape.length !== 4) throw new KmodelUnsupported(`${where}: only 2-D convolutions have a kmodel v4 conv2d`);
  const [n, c, h, wd] = nhwc ? NHWC_TO_NCHW.map((a) => xShape[a]!) : xShape;
  const weights = p.program.constants.get(node.inputs[1]!);
  if (weights === undefined) throw new KmodelUnsupported(`${where}: the weights are computed at run time; kmodel conv2d needs constant weights`);
  const bias = node.inputs[2] ? p.program.constants.get(node.inputs[2]) : undefined;
  if (node.inputs[2] && bias === undefined) throw new KmodelUnsupported(`${where}: the bias is computed at run time`);
  const oihw = nhwc ? permuted(weights, NHWC_TO_NCHW) : Float32Array.from(weights.toNumbers());
  const [oc, , kh, kw] = nhwc ? NHWC_TO_NCHW.map((a) => weights.shape[a]!) : weights.shape;
  const win = forwardWindow(node, [h!, wd!], readKernelShape(node, 2, [kh!, kw!]), readWindowAttrs(node, 2));
  const [oh, ow] = [win.output[1]!, win.output[2]!];
  const group = attrInt(node, "group", 1);
  const [actMin, actMax] = actRange(node);
  const x = nhwc ? p.nchw(node.inputs[0]!, where) : p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", n! * oc! * oh * ow);
  const b = bias?.toNumbers() ?? new Float64Array(oc!);
  p.add({
    opcode: V4_OPCODES.conv2d, from: where, reads: [x], writes: [y],
    body: (w, r) => {
      w.memoryRange(r(x)).memoryRange(r(y)).i32s([n!, c!, h!, wd!]).i32s([group, oc!]);
      w.i32s([win.padBegin[1]!, win.padEnd[1]!, win.padBegin[2]!, win.padEnd[2]!, kh!, kw!, win.stride[1]!, win.stride[2]!, win.dilation[1]!, win.dilation[2]!]);
      w.f32(actMin).f32(actMax).f32s(oihw).f32s(b);
    },
  });
  if (nhwc) p.setNchw(node.outputs[0]!, y);
  else p.setLogical(node.outputs[0]!, y);
}

/** A 4-D tensor's values with its axes permuted (output axis k = input axis perm[k]). */
function permuted(t: Tensor, perm: readonly number[]): Float32Array {
  const s = t.shape;
  const v = t.toNumbers();
  const os = perm.map((a) => s[a]!);
  const strides = [s[1]! * s[2]! * s[3]!, s[2]! * s[3]!, s[3]!, 1];
  const out = new Float32Array(v.length);
  let i = 0;
  for (let a = 0; a < os[0]!; a++)
    for (let b = 0; b < os[1]!; b++)
      for (let c = 0; c < os[2]!; c++)
        for (let d = 0; d < os[3]!; d++) {
          const idx = [a, b, c, d];
          let off = 0;
          for (let k = 0; k < 4; k++) off += idx[k]! * strides[perm[k]!]!;
          out[i++] = v[off]!;
        }
  return out;
}

function translateMatmul(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const aShape = p.shapeOf(node.inputs[0]!, where);
  const bConst = p.program.constants.get(node.inputs[1]!);
  if (aShape.length !== 2 || bConst === undefined || bConst.shape.length !== 2) {
    throw new KmodelUnsupported(`${where}: kmodel matmul needs a 2-D input and a constant 2-D weight`);
  }
  const gemm = node.op === "Gemm";
  if (gemm && (attrInt(node, "transA", 0) !== 0 || attrFloat(node, "alpha", 1) !== 1 || attrFloat(node, "beta", 1) !== 1)) {
    throw new KmodelUnsupported(`${where}: transA, alpha and beta other than 0, 1, 1 have no kmodel matmul form`);
  }
  const transB = gemm && attrInt(node, "transB", 0) === 1;
  const [rows, cols] = aShape as [number, number];
  const bCols = transB ? bConst.shape[0]! : bConst.shape[1]!;
  const bv = bConst.toNumbers();
  const kn = new Float32Array(cols * bCols);
  for (let k = 0; k < cols; k++) for (let j = 0; j < bCols; j++) kn[k * bCols + j] = transB ? bv[j * cols + k]! : bv[k * bCols + j]!;
  let bias = new Float32Array(bCols);
  if (gemm && node.inputs[2]) {
    const cConst = p.program.constants.get(node.inputs[2]);
    if (cConst === undefined || prod(cConst.shape) !== bCols || cConst.shape.length > 2 || (cConst.shape.length === 2 && cConst.shape[0] !== 1)) {
      throw new KmodelUnsupported(`${where}: the bias must be a constant of ${bCols} values (one per output column)`);
    }
    bias = Float32Array.from(cConst.toNumbers());
  }
  const [actMin, actMax] = actRange(node);
  const a = p.logical(node.inputs[0]!, where);
  const b = p.constant(kn);
  const y = p.buffer("float32", rows * bCols);
  p.add({
    opcode: V4_OPCODES.matmul, from: where, reads: [a, b], writes: [y],
    body: (w, r) => void w.memoryRange(r(a)).memoryRange(r(b)).memoryRange(r(y)).i32s([rows, cols, bCols]).f32(actMin).f32(actMax).f32s(bias),
  });
  p.setLogical(node.outputs[0]!, y);
}

const BINARY_OPS: Readonly<Record<string, number>> = { Add: 0, Sub: 1, Mul: 2, Div: 3, Min: 4, Max: 5 };

/** Relu / Clip: max(x, lo) with the clamp [lo, hi] as the fused range; keeps the input's order. */
/**
 * True when every reader of `name` is a KPU layer whose quantize of it already clamps to [lo, hi]:
 * q = clamp(round(x/s + zp), 0, 255) with zp = 0 maps every x ≤ 0 to 0 (= the clamp at lo = 0), and
 * with round(hi/s) ≥ 255 every x ≥ hi to 255. Then quantize(clamp(x)) = quantize(x) exactly.
 */
function clampImpliedByQuantize(p: Planner, name: string, lo: number, hi: number): boolean {
  if (lo !== 0 || p.program.outputs.some((o) => o.name === name)) return false;
  const readers = p.program.nodes.filter((n) => n.inputs.includes(name));
  return readers.length > 0 && readers.every((n) => n.op === KPU_CONV2D && n.inputs[0] === name && attrInt(n, "input_u8", 0) !== 1
    && attrInt(n, "x_zero_point") === 0 && Math.round(Math.fround(hi * Math.fround(1 / attrFloat(n, "x_scale")))) >= 255);
}

function translateClamp(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  let lo = 0;
  let hi = FLOAT_MAX;
  if (node.op === "Clip") {
    const bound = (i: number, dflt: number): number => {
      const name = node.inputs[i];
      if (!name) return hasAttr(node, i === 1 ? "min" : "max") ? attrFloat(node, i === 1 ? "min" : "max") : dflt;
      const t = p.program.constants.get(name);
      if (t === undefined) throw new KmodelUnsupported(`${where}: the clip bounds are computed at run time`);
      return t.toNumbers()[0]!;
    };
    lo = bound(1, -FLOAT_MAX);
    hi = bound(2, FLOAT_MAX);
  }
  const name = node.inputs[0]!;
  const shape = p.shapeOf(name, where);
  const channelsFirst = p.hasOnlyNchw(name);
  const x = channelsFirst ? p.nchw(name, where) : p.logical(name, where);
  if (clampImpliedByQuantize(p, node.outputs[0]!, lo, hi)) {
    // Only KPU layers read it, and their quantize clamps to the same range: no node, no buffer.
    if (channelsFirst) p.setNchw(node.outputs[0]!, x);
    else p.setLogical(node.outputs[0]!, x);
    return;
  }
  const zero = p.constant([lo]);
  const y = p.buffer("float32", prod(shape));
  const s = [1, 1, 1, prod(shape)];
  p.add({
    opcode: V4_OPCODES.binary, from: where, reads: [x, zero], writes: [y],
    body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(zero)).memoryRange(r(y)).u32(BINARY_OPS["Max"]!).i32s(s).i32s([1, 1, 1, 1]).i32s(s).f32(lo).f32(hi),
  });
  if (channelsFirst) p.setNchw(node.outputs[0]!, y);
  else p.setLogical(node.outputs[0]!, y);
}

function translateBinary(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const [an, bn] = node.inputs as [string, string];
  const aShape = shape4(p.anyShape(an, where), where);
  const bShape = shape4(p.anyShape(bn, where), where);
  const outShape = shape4(p.shapeOf(node.outputs[0]!, where), where);
  const [actMin, actMax] = actRange(node);
  const a = p.logical(an, where);
  const b = p.logical(bn, where);
  const y = p.buffer("float32", prod(outShape));
  p.add({
    opcode: V4_OPCODES.binary, from: where, reads: [a, b], writes: [y],
    body: (w, r) => void w.memoryRange(r(a)).memoryRange(r(b)).memoryRange(r(y)).u32(BINARY_OPS[node.op]!).i32s(aShape).i32s(bShape).i32s(outShape).f32(actMin).f32(actMax),
  });
  p.setLogical(node.outputs[0]!, y);
}

function translateConcat(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const outShape = p.shapeOf(node.outputs[0]!, where);
  const rank = outShape.length;
  const rawAxis = attrInt(node, "axis");
  let axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  // All inputs channels-first (NHWC conv outputs): concatenate them there, along the moved axis.
  const channelsFirst = rank === 4 && node.inputs.every((i) => p.hasOnlyNchw(i));
  let shape: readonly number[] = outShape;
  if (channelsFirst) {
    axis = NHWC_TO_NCHW.indexOf(axis);
    shape = NHWC_TO_NCHW.map((a) => outShape[a]!);
  }
  const inputs = node.inputs.map((i) => (channelsFirst ? p.nchw(i, where) : p.logical(i, where)));
  const dims = node.inputs.map((i) => {
    const s = p.anyShape(i, where);
    return channelsFirst ? s[NHWC_TO_NCHW[axis]!]! : s[axis]!;
  });
  // inner_size is in bytes: nncase's concat copies bytes.
  const inner = prod(shape.slice(axis + 1)) * 4;
  const outer = prod(shape.slice(0, axis));
  const y = p.buffer("float32", prod(outShape));
  p.add({
    opcode: V4_OPCODES.concat, from: where, reads: inputs, writes: [y], appendsReads: outer === 1,
    body: (w, r) => {
      w.memoryRange(r(y)).u32(inner).u32(outer).u32(inputs.length);
      for (const b of inputs) w.memoryRange(r(b));
      w.i32s(dims);
    },
  });
  if (channelsFirst) p.setNchw(node.outputs[0]!, y);
  else p.setLogical(node.outputs[0]!, y);
}

function translateCopy(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const x = p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", prod(p.shapeOf(node.outputs[0]!, where)));
  p.add({ opcode: V4_OPCODES.memory_copy, from: where, reads: [x], writes: [y], body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)) });
  p.setLogical(node.outputs[0]!, y);
}

function translateTranspose(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const shape = p.uint8(node.inputs[0]!) !== undefined ? p.program.values.get(node.inputs[0]!)!.shape : p.shapeOf(node.inputs[0]!, where);
  const perm = hasAttr(node, "perm") ? attrInts(node, "perm") : shape.map((_, i) => shape.length - 1 - i);
  if (p.uint8(node.inputs[0]!) !== undefined) return translateUint8Transpose(p, node, perm);
  shape4(shape, where);
  p.setLogical(node.outputs[0]!, p.transpose(p.logical(node.inputs[0]!, where), shape, perm, where));
}

function translateSoftmax(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const shape = p.shapeOf(node.inputs[0]!, where);
  const rank = shape.length;
  const raw = attrInt(node, "axis", -1);
  const axis = raw < 0 ? raw + rank : raw;
  const coerce = attrInt(node, "coerce2d", 0) === 1;
  if (!coerce && axis !== rank - 1) throw new KmodelUnsupported(`${where}: kmodel softmax runs over the last axis only, this one is over axis ${axis} of ${rank}`);
  const inner = prod(shape.slice(axis));
  const outer = prod(shape.slice(0, axis));
  const x = p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", prod(shape));
  p.add({ opcode: V4_OPCODES.softmax, from: where, reads: [x], writes: [y], body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)).i32(inner).i32(outer).f32(1) });
  p.setLogical(node.outputs[0]!, y);
}

/** Constant-mode Pad (rank ≤ 4): nncase's pad with a float32 scalar pad value. */
function translatePad(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const shape = p.shapeOf(node.inputs[0]!, where);
  if (hasAttr(node, "mode") && attrString(node, "mode") !== "constant") throw new KmodelUnsupported(`${where}: mode ${attrString(node, "mode")}; kmodel pad is constant padding only`);
  const padsInput = node.inputs[1] ? p.program.constants.get(node.inputs[1]) : undefined;
  if (node.inputs[1] && padsInput === undefined) throw new KmodelUnsupported(`${where}: the pads are computed at run time`);
  const pads = padsInput !== undefined ? Array.from(padsInput.toNumbers()) : attrInts(node, "pads");
  const valueInput = node.inputs[2] ? p.program.constants.get(node.inputs[2]) : undefined;
  if (node.inputs[2] && valueInput === undefined) throw new KmodelUnsupported(`${where}: the pad value is computed at run time`);
  const value = valueInput !== undefined ? valueInput.toNumbers()[0]! : hasAttr(node, "value") ? attrFloat(node, "value") : 0;
  const rank = shape.length;
  if (pads.length !== 2 * rank || pads.some((v) => v < 0)) throw new KmodelUnsupported(`${where}: pads [${pads.join(",")}] are not ${2 * rank} non-negative counts; kmodel pad does not crop`);
  const in4 = shape4(shape, where);
  const lead = 4 - rank;
  // nncase padding[4]: {before, after} per axis of the 4-D shape.
  const paddings = in4.flatMap((_, d) => (d < lead ? [0, 0] : [pads[d - lead]!, pads[d - lead + rank]!]));
  const x = p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", prod(p.shapeOf(node.outputs[0]!, where)));
  // scalar pad_value = {u32 type (0: float32), 4 value bytes}
  p.add({ opcode: V4_OPCODES.pad, from: where, reads: [x], writes: [y], body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)).i32s(in4).i32s(paddings).i32(0).f32(value) });
  p.setLogical(node.outputs[0]!, y);
}

export const TRANSLATORS: Readonly<Record<string, (p: Planner, node: Node, chain: boolean) => void>> = {
  [KPU_CONV2D]: translateKpuConv,
  Conv: translateConv,
  Gemm: translateMatmul,
  MatMul: translateMatmul,
  Relu: translateClamp,
  Clip: translateClamp,
  Add: translateBinary, Sub: translateBinary, Mul: translateBinary, Div: translateBinary, Min: translateBinary, Max: translateBinary,
  Concat: translateConcat,
  Reshape: translateCopy, Flatten: translateCopy, Squeeze: translateCopy, Unsqueeze: translateCopy, Identity: translateCopy,
  Transpose: translateTranspose,
  Softmax: translateSoftmax,
  Pad: translatePad,
  Slice: translateSlice,
  ...CPU_TRANSLATORS,
  DequantizeLinear: translateDequantize,
};

/** Ops the writer translates (for documentation and tests). */
export const KMODEL_OPS: readonly string[] = Object.keys(TRANSLATORS);
