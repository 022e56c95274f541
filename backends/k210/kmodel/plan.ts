/**
 * Translates a k210-lowered program into kmodel v4 nodes (K210-KPU.md §4.3) over symbolic buffers;
 * kmodel-writer.ts then places the buffers and serialises. What becomes what:
 *   KpuConv2D  → quantize → kpu_upload → kpu_conv2d (main-memory output) → dequantize
 *   Conv       → conv2d (float, NCHW)          Gemm / MatMul (constant B) → matmul
 *   Relu, Clip → binary max with a constant and the clamp as fused activation
 *   Add/Sub/Mul/Div/Min/Max → binary           Concat → concat      Transpose → transpose
 *   Reshape/Flatten/Squeeze/Unsqueeze/Identity → memory_copy         Softmax (last axis) → softmax
 *   Pad (constant) → pad          KpuConv2D with `subsample` → kpu_conv2d + uint8 strided_slice
 *   KpuConv2D + MaxPool/AveragePool it can pool → kpu_conv2d with that pool type (pool-fusion.ts)
 *   MaxPool/AveragePool → reduce_window2d   Global pools → reduce   unary math, Sigmoid → unary/binary
 *   (the last three: translate-cpu.ts)
 * nncase's v4 kernels are NCHW, so a value produced by an NHWC conv is kept channels-first and only
 * transposed back when an op needs its logical (NHWC) order: chains of NHWC convs, elementwise ops
 * and channel concats never transpose. Any other op has no v4 counterpart: KmodelUnsupported.
 */
import type { Graph } from "../../../src/ir/graph.js";
import type { KpuLayer } from "../kpu-layer.js";
import { KmodelUnsupported, prod, shape4, NHWC_TO_NCHW, NCHW_TO_NHWC, type Buffer, type PlannedNode, type KmodelPlan, type Placed, type KpuResident } from "./plan-types.js";
import { KMODEL_OPS, prequantiseForKpu, TRANSLATORS } from "./translate.js";
import { V4_OPCODES } from "./opcodes.js";
import { planFrameInput } from "./frame.js";

export { KmodelUnsupported, type Buffer, type KmodelPlan } from "./plan-types.js";
export { KMODEL_OPS } from "./translate.js";

export class Planner {
  readonly nodes: PlannedNode[] = [];
  readonly buffers: Buffer[] = [];
  private readonly constBytes: number[] = [];
  private readonly placed = new Map<string, Placed>();
  /** uint8 quantised copies of float values for KPU layers, by value|scale|zero point|layout. */
  readonly quantised = new Map<string, Buffer>();
  /** KPU layers that take over a producer's subsampling (motion.ts), by node name. */
  readonly movedLayers = new Map<string, KpuLayer>();
  /** Pools a KPU layer's pool stage took over (pool-fusion.ts): no kmodel node of their own. */
  readonly fusedPools = new Set<string>();
  /** uint8 values (a `--input-type uint8` frame and its CPU-side transposes): main or KPU buffers. */
  private readonly bytes = new Map<string, Buffer>();

  constructor(readonly program: Graph) {}

  /** Shape of a value or constant. */
  anyShape(name: string, where: string): readonly number[] {
    return this.program.constants.get(name)?.shape ?? this.shapeOf(name, where);
  }

  buffer(datatype: Buffer["datatype"], elements: number): Buffer {
    const b: Buffer = { id: this.buffers.length, pool: "main", datatype, size: elements * (datatype === "float32" ? 4 : 1) };
    this.buffers.push(b);
    return b;
  }

  /** A map in KPU RAM (its line is chosen when buffers are placed). */
  kpuBuffer(size: number): Buffer {
    const b: Buffer = { id: this.buffers.length, pool: "kpu", datatype: "uint8", size };
    this.buffers.push(b);
    return b;
  }

  /** A float32 constant in the pool (4-byte aligned). */
  constant(values: ArrayLike<number>): Buffer {
    while (this.constBytes.length % 4 !== 0) this.constBytes.push(0);
    const start = this.constBytes.length;
    const f = new Float32Array(Array.from(values));
    // One push per byte: spreading a large matrix's bytes as arguments overflows the call stack.
    for (const byte of new Uint8Array(f.buffer)) this.constBytes.push(byte);
    const b: Buffer = { id: this.buffers.length, pool: "const", datatype: "float32", size: f.byteLength, start };
    this.buffers.push(b);
    return b;
  }

  constants(): Uint8Array {
    return Uint8Array.from(this.constBytes);
  }

  add(node: PlannedNode): void {
    this.nodes.push(node);
  }

  shapeOf(name: string, where: string): readonly number[] {
    const v = this.program.values.get(name);
    if (v === undefined) throw new KmodelUnsupported(`${where}: value ${name} has no known shape`);
    if (v.dtype !== "float32") throw new KmodelUnsupported(`${where}: value ${name} is ${v.dtype}; the kmodel writer handles float32 tensors between ops`);
    return v.shape;
  }

  setLogical(name: string, buffer: Buffer): void {
    this.placed.set(name, { shape: this.program.values.get(name)!.shape, logical: buffer });
  }

  setNchw(name: string, buffer: Buffer): void {
    this.placed.set(name, { shape: this.program.values.get(name)!.shape, nchw: buffer });
  }

  setKpu(name: string, resident: KpuResident): void {
    this.placed.set(name, { shape: this.program.values.get(name)!.shape, kpu: resident });
  }

  /** The value's KPU-resident map, if a KPU layer left it there. */
  kpuResident(name: string): KpuResident | undefined {
    return this.placed.get(name)?.kpu;
  }

  /**
   * Dequantises a KPU layer's output right after the layer when a CPU op or the graph output reads
   * it (as nncase orders it): its uint8 copy then dies at once instead of living until the reader.
   */
  materialiseForCpu(name: string, where: string): void {
    const p = this.placed.get(name);
    const cpuReader = this.program.outputs.some((o) => o.name === name) || this.program.nodes.some((n) => n.op !== "KpuConv2D" && n.inputs.includes(name));
    if (p !== undefined && cpuReader) this.materialise(p, where);
  }

  /** A KPU-only value gets its float copy: the layer's main-memory output, dequantised here. */
  private materialise(p: Placed, where: string): void {
    if (p.logical !== undefined || p.nchw !== undefined || p.kpu === undefined) return;
    const yq = p.kpu.mainOutput();
    const y = this.buffer("float32", yq.size);
    const { scale, zeroPoint } = p.kpu;
    // v4 quant_param.scale is levels per unit (1/scale): dequantize divides by it.
    this.add({ opcode: V4_OPCODES.dequantize, from: where, reads: [yq], writes: [y], body: (w, r) => void w.memoryRange(r(yq)).memoryRange(r(y)).i32(zeroPoint).f32(Math.fround(1 / scale)) });
    if (p.kpu.nhwc) p.nchw = y;
    else p.logical = y;
  }

  private placedOf(name: string, where: string): Placed {
    const p = this.placed.get(name);
    if (p !== undefined) return p;
    const c = this.program.constants.get(name);
    if (c === undefined) throw new KmodelUnsupported(`${where}: value ${name} is read before it is written`);
    const made: Placed = { shape: c.shape, logical: this.constant(c.toNumbers()) };
    this.placed.set(name, made);
    return made;
  }

  /** The value in its logical order (transposing a channels-first copy back once if needed). */
  logical(name: string, where: string): Buffer {
    const p = this.placedOf(name, where);
    this.materialise(p, where);
    if (p.logical !== undefined) return p.logical;
    const nchwShape = NHWC_TO_NCHW.map((a) => p.shape[a]!);
    p.logical = this.transpose(p.nchw!, nchwShape, NCHW_TO_NHWC, where);
    return p.logical;
  }

  /** A 4-D NHWC value channels-first (transposing once if needed). */
  nchw(name: string, where: string): Buffer {
    const p = this.placedOf(name, where);
    this.materialise(p, where);
    if (p.nchw !== undefined) return p.nchw;
    p.nchw = this.transpose(p.logical!, p.shape, NHWC_TO_NCHW, where);
    return p.nchw;
  }

  /** The value's float copy in logical order when it has no channels-first one (else undefined). */
  logicalOnly(name: string): Buffer | undefined {
    const p = this.placed.get(name);
    return p !== undefined && p.nchw === undefined && p.kpu === undefined ? p.logical : undefined;
  }

  /** Which copies exist (elementwise ops keep the input's order). */
  hasOnlyNchw(name: string): boolean {
    const p = this.placed.get(name);
    return p !== undefined && p.logical === undefined && (p.nchw !== undefined || p.kpu?.nhwc === true);
  }

  setUint8(name: string, buffer: Buffer): void {
    this.bytes.set(name, buffer);
  }

  /** A uint8 value's buffer (undefined: the value is not uint8). */
  uint8(name: string): Buffer | undefined {
    return this.bytes.get(name);
  }

  transpose(input: Buffer, inShape: readonly number[], perm: readonly number[], where: string): Buffer {
    const out = this.buffer(input.datatype, prod(inShape));
    const shape = shape4(inShape, where);
    const lead = 4 - inShape.length;
    const perm4 = [...Array.from({ length: lead }, (_, i) => i), ...perm.map((p) => p + lead)];
    this.add({ opcode: V4_OPCODES.transpose, from: where, reads: [input], writes: [out], body: (w, r) => void w.memoryRange(r(input)).memoryRange(r(out)).i32s(shape).i32s(perm4) });
    return out;
  }
}


/** Plans the kmodel of `program`; throws KmodelUnsupported naming the first op it cannot express. */
export function planKmodel(program: Graph, chainKpuLayers: boolean): KmodelPlan {
  const p = new Planner(program);
  const inputs = program.inputs.map((v) => {
    const where = `input ${v.name}`;
    if (v.dtype === "uint8") return planFrameInput(p, v, chainKpuLayers);
    const buffer = p.buffer("float32", prod(p.shapeOf(v.name, where)));
    p.setLogical(v.name, buffer);
    return { buffer, shape: shape4(v.shape, where) };
  });
  for (const node of program.nodes) {
    if (p.fusedPools.has(node.name)) continue;
    const translate = TRANSLATORS[node.op];
    if (translate === undefined) throw new KmodelUnsupported(`node ${node.name} (${node.op}) has no kmodel v4 counterpart (the writer handles ${KMODEL_OPS.join(", ")})`);
    translate(p, node, chainKpuLayers);
    for (const out of node.outputs) if (out !== "") prequantiseForKpu(p, out);
  }
  const outputs = program.outputs.map((v) => p.logical(v.name, `output ${v.name}`));
  return { nodes: p.nodes, buffers: p.buffers, constants: p.constants(), inputs, outputs };
}
