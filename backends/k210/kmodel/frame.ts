/**
 * kmodel v4 for `--input-type uint8` models (uint8-input.ts): the frame input is dense uint8 NCHW.
 * When only KPU layers read it, it is a KPU-RAM input (nncase's fold_input_kpu_upload: the runtime
 * lays the caller's bytes out in KPU RAM itself, §4.3 "v4 runtime behaviour"), so it costs no main
 * memory; otherwise it sits in main memory and the KPU layers upload it, CPU readers dequantise it.
 */
import { attrInt } from "../../../src/ir/attrs.js";
import type { NamedValue, Node } from "../../../src/ir/graph.js";
import { V4_OPCODES } from "./opcodes.js";
import { KmodelUnsupported, prod, shape4, type Buffer } from "./plan-types.js";
import type { Planner } from "./plan.js";
import type { KpuLayerGeometry } from "../kpu-layer.js";
import { mapBytes } from "../kpu-ram.js";
import { KPU_CONV2D } from "../ops/kpu-conv2d.js";

const readsFrame = (node: Node, name: string) => node.op === KPU_CONV2D && attrInt(node, "input_u8", 0) === 1 && node.inputs[0] === name;

export function planFrameInput(p: Planner, v: NamedValue, chain: boolean): { buffer: Buffer; shape: number[] } {
  const where = `input ${v.name}`;
  const shape = shape4(v.shape, where);
  const readers = p.program.nodes.filter((n) => n.inputs.includes(v.name));
  const [n, c, h, w] = shape as [number, number, number, number];
  const inKpu = chain && n === 1 && readers.length > 0 && readers.every((r) => readsFrame(r, v.name));
  const buffer = inKpu ? p.kpuBuffer(mapBytes(w, h, c)) : p.buffer("uint8", prod(shape));
  p.setUint8(v.name, buffer);
  return { buffer, shape };
}

/** The KPU map of a KpuConv2D whose input is the frame: the input itself, or an upload of it. */
export function frameKpuInput(p: Planner, node: Node, g: KpuLayerGeometry, where: string): Buffer {
  const frame = p.uint8(node.inputs[0]!) ?? (() => { throw new KmodelUnsupported(`${where}: input_u8 = 1 but ${node.inputs[0]} is not a uint8 model input`); })();
  if (frame.pool === "kpu") return frame;
  const map = p.kpuBuffer(mapBytes(g.inWidth, g.inHeight, g.inChannels));
  p.add({
    opcode: V4_OPCODES.kpu_upload, from: where, reads: [frame], writes: [map],
    body: (w, r) => void w.memoryRange(r(frame)).memoryRange(r(map)).i32s([1, g.inChannels, g.inHeight, g.inWidth]),
  });
  return map;
}

/** DequantizeLinear of a uint8 value with scalar scale and zero point → dequantize. */
export function translateDequantize(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const x = p.uint8(node.inputs[0]!);
  const scale = p.program.constants.get(node.inputs[1]!);
  const zero = node.inputs[2] ? p.program.constants.get(node.inputs[2]) : undefined;
  if (x === undefined || scale === undefined || scale.size !== 1 || (node.inputs[2] && (zero === undefined || zero.size !== 1))) {
    throw new KmodelUnsupported(`${where}: kmodel dequantize takes a uint8 model input with one constant scale and zero point`);
  }
  const y = p.buffer("float32", x.size);
  const zp = zero === undefined ? 0 : zero.toNumbers()[0]!;
  // v4 quant_param.scale is levels per unit (1/scale).
  const inv = Math.fround(1 / scale.toNumbers()[0]!);
  p.add({ opcode: V4_OPCODES.dequantize, from: where, reads: [x], writes: [y], body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)).i32(zp).f32(inv) });
  p.setLogical(node.outputs[0]!, y);
}

/** A Transpose of a uint8 value (the frame to the model's NHWC order for CPU readers). */
export function translateUint8Transpose(p: Planner, node: Node, perm: readonly number[]): void {
  const where = `node ${node.name} (${node.op})`;
  const shape = p.program.values.get(node.inputs[0]!)!.shape;
  p.setUint8(node.outputs[0]!, p.transpose(p.uint8(node.inputs[0]!)!, shape, perm, where));
}

