/**
 * What `egret run` checks before it executes a kmodel v4 (run-v4.ts): the reader checks each field
 * on its own (ranges inside their pools, body sizes), these checks tie the fields together. For
 * every node the shapes and counts in its attributes must describe tensors that fit the memory
 * ranges it reads and writes, loops must advance (strides, filters, dilations ≥ 1) and shifts must
 * be sane. Each node's work (elements touched, multiply-adds) is counted, and a model whose total
 * exceeds the budget is refused up front: a corrupt file cannot make the simulator run for hours
 * or allocate gigabytes. Every failure is an EgretError("parse") naming the file and the node.
 */
import { fail } from "../../errors.js";
import { layerGeometry, weightCount } from "../../../backends/k210/kpu-layer.js";
import { KPU_RAM_LINES, mapFits, mapLines } from "../../../backends/k210/kpu-ram.js";
import { windowedOutputSize } from "./run-v4-kernels.js";
import type { KmodelV4, MemoryRange, V4Node } from "./v4.js";

/** The K210's general-purpose SRAM (8 MiB less the 2 MiB KPU RAM): no kmodel needs more main memory. */
export const K210_MAIN_MEMORY_BYTES = 6 * 1024 * 1024;

/**
 * Work budget of one `egret run`, in elementary steps (a multiply-add, an element moved). nncase's
 * example models take 1.5·10^8 (slim-320 face detector) and 2.1·10^8 (ulffd_landmark) steps, about
 * 2 s of simulation; the budget allows models five times larger and keeps any run near 10 s.
 */
export const KMODEL_RUN_WORK_BUDGET = 1e9;

class NodeChecker {
  readonly where: string;

  constructor(readonly node: V4Node, readonly file: string) {
    this.where = `${file}: node ${node.index} (${node.name})`;
  }

  bad(message: string): never {
    return fail("parse", this.where, `${message}; the file is corrupt`);
  }

  num(name: string): number {
    const v = this.node.body.attrs[name];
    return typeof v === "number" ? v : this.bad(`attribute ${name} is missing`);
  }

  /** An attribute that must be a whole number in [min, max]. */
  int(name: string, min: number, max = 2 ** 31 - 1): number {
    const v = this.num(name);
    if (!Number.isInteger(v) || v < min || v > max) this.bad(`${name} = ${v} is outside ${min}..${max}`);
    return v;
  }

  list(name: string): number[] {
    const v = this.node.body.attrs[name];
    return Array.isArray(v) ? v : this.bad(`attribute ${name} is missing`);
  }

  /** A 4-D shape attribute with every dimension ≥ 1; returns it and its element count. */
  shape(name: string): { dims: number[]; count: number } {
    const dims = this.list(name);
    if (dims.length !== 4 || dims.some((d) => !Number.isInteger(d) || d < 1)) this.bad(`${name} [${dims.join(", ")}] has a dimension below 1`);
    return { dims, count: product(dims) };
  }

  input(i = 0): MemoryRange {
    return this.node.body.inputs[i] ?? this.bad(`has no input ${i}`);
  }

  output(): MemoryRange {
    return this.node.body.outputs[0] ?? this.bad("has no output");
  }

  /** The range must hold `elements` values of its own datatype (or of `bytesPer` when given). */
  holds(r: MemoryRange, elements: number, what: string, bytesPer = elementBytes(r)): void {
    const need = elements * bytesPer;
    if (!(need <= r.size)) this.bad(`${what} range holds ${r.size} bytes but the node's attributes need ${need}`);
  }

  /** Same-size elementwise copy from input to output. */
  elementwise(elements: number): number {
    this.holds(this.input(), elements, "input");
    this.holds(this.output(), elements, "output");
    return elements;
  }
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const elementBytes = (r: MemoryRange): number => (r.datatype === "float32" ? 4 : 1);

/** The checks of one node; returns its work. */
function checkNode(c: NodeChecker): number {
  const b = c.node.body;
  switch (c.node.name) {
    case "kpu_upload": {
      const { dims: [n, ch, h, w], count } = c.shape("in_shape") as { dims: [number, number, number, number]; count: number };
      c.holds(c.input(), count, "input", 1);
      const out = c.output();
      if (out.memoryType !== "kpu" || out.start % 64 !== 0) c.bad(`output [${out.start}, +${out.size}) is not a KPU RAM range starting on a 64-byte line`);
      const lines = n * mapLines(w, h, ch);
      if (out.start / 64 + lines > KPU_RAM_LINES) c.bad(`${n} map(s) of ${ch}×${h}×${w} from line ${out.start / 64} run past the ${KPU_RAM_LINES} lines of KPU RAM`);
      return count;
    }
    case "kpu_conv2d": {
      const k = b.kpu ?? c.bad("has no KPU layer");
      const g = layerGeometry(k.layer.args);
      for (const [line, shape, what] of [[k.layer.args.imageSrcAddr, { channels: g.inChannels, height: g.inHeight, width: g.inWidth }, "input"], [k.layer.args.imageDstAddr, { channels: g.outChannels, height: g.outHeight, width: g.outWidth }, "output"]] as const) {
        const last = line + (k.batches - 1) * mapLines(shape.width, shape.height, shape.channels);
        if (!mapFits(last, shape)) c.bad(`${what} map ${shape.channels}×${shape.height}×${shape.width} (× ${k.batches} batches) from line ${line} runs past the ${KPU_RAM_LINES} lines of KPU RAM`);
      }
      return k.batches * g.inHeight * g.inWidth * weightCount(g);
    }
    case "transpose": {
      const { count } = c.shape("in_shape");
      const perm = c.list("perm");
      if ([...perm].sort().join() !== "0,1,2,3") c.bad(`perm [${perm.join(", ")}] is not a permutation of 0..3`);
      return c.elementwise(count);
    }
    case "matmul": {
      const rows = c.int("a_rows", 1), cols = c.int("a_cols", 1), bcols = c.int("b_cols", 1);
      c.holds(c.input(0), rows * cols, "input_a", 4);
      c.holds(c.input(1), cols * bcols, "input_b", 4);
      c.holds(c.output(), rows * bcols, "output", 4);
      return rows * cols * bcols;
    }
    case "dequantize": case "quantize": case "unary": case "table_lookup1d":
      return c.elementwise(c.input().size / elementBytes(c.input()));
    case "memory_copy":
      if (c.output().size < c.input().size) c.bad(`copies ${c.input().size} bytes into a ${c.output().size}-byte output`);
      return c.input().size;
    case "concat": {
      const inner = c.int("inner_size", 0), outer = c.int("outer_size", 0);
      const dims = c.list("dims");
      if (dims.some((d) => !Number.isInteger(d) || d < 0)) c.bad(`dims [${dims.join(", ")}] has a negative entry`);
      b.inputs.forEach((r, i) => c.holds(r, outer * inner * dims[i]!, `input ${i}`, 1));
      const total = outer * inner * dims.reduce((s, d) => s + d, 0);
      c.holds(c.output(), total, "output", 1);
      return total;
    }
    case "reduce_window2d": case "conv2d": return checkWindowed(c);
    case "binary": case "quantized_binary": {
      const out = c.shape("out_shape");
      for (const [name, i] of [["in_a_shape", 0], ["in_b_shape", 1]] as const) {
        const s = c.shape(name);
        if (s.dims.some((d, k) => d !== 1 && d !== out.dims[k])) c.bad(`${name} [${s.dims.join(", ")}] does not broadcast to out_shape [${out.dims.join(", ")}]`);
        c.holds(c.input(i), s.count, `input ${i}`, c.node.name === "binary" ? 4 : 1);
      }
      c.holds(c.output(), out.count, "output", c.node.name === "binary" ? 4 : 1);
      if (c.node.name === "quantized_binary") for (const s of ["a_shift", "b_shift", "out_shift"]) c.int(s, 0, 63);
      return out.count;
    }
    case "pad": {
      const { dims, count } = c.shape("in_shape");
      const p = c.list("paddings");
      const outDims = dims.map((d, i) => d + p[2 * i]! + p[2 * i + 1]!);
      // Negative paddings crop (the kernel reads only inside in_shape); the result must not be empty.
      if (outDims.some((d) => !Number.isInteger(d) || d < 1)) c.bad(`paddings [${p.join(", ")}] leave an empty output [${outDims.join(", ")}]`);
      c.holds(c.input(), count, "input");
      c.holds(c.output(), product(outDims), "output", elementBytes(c.input()));
      return product(outDims);
    }
    case "reduce": {
      const inShape = c.shape("in_shape"), outShape = c.shape("out_shape");
      if (outShape.dims.some((d, k) => d !== 1 && d !== inShape.dims[k])) c.bad(`out_shape [${outShape.dims.join(", ")}] is not in_shape [${inShape.dims.join(", ")}] with axes reduced to 1`);
      c.holds(c.input(), inShape.count, "input", 4);
      c.holds(c.output(), outShape.count, "output", 4);
      return inShape.count;
    }
    case "softmax":
      return c.elementwise(c.int("outer_size", 0) * c.int("inner_size", 0));
    case "strided_slice": return checkStridedSlice(c);
    default:
      return 0;
  }
}

/** reduce_window2d and conv2d: window geometry, both tensors, work = outputs × window taps. */
function checkWindowed(c: NodeChecker): number {
  const { dims: [n, ch, h, w], count } = c.shape("in_shape") as { dims: [number, number, number, number]; count: number };
  const fh = c.int("filter_h", 1), fw = c.int("filter_w", 1);
  const sh = c.int("stride_h", 1), sw = c.int("stride_w", 1);
  const dh = c.int("dilation_h", 1), dw = c.int("dilation_w", 1);
  const padH = [c.int("pad_h_before", 0), c.int("pad_h_after", 0)] as const;
  const padW = [c.int("pad_w_before", 0), c.int("pad_w_after", 0)] as const;
  const oh = windowedOutputSize(h, fh, sh, dh, padH), ow = windowedOutputSize(w, fw, sw, dw, padW);
  if (oh < 1 || ow < 1) c.bad(`a ${fh}×${fw} window over ${h}×${w} gives an empty ${oh}×${ow} output`);
  c.holds(c.input(), count, "input", 4);
  if (c.node.name === "reduce_window2d") {
    c.holds(c.output(), n * ch * oh * ow, "output", 4);
    return n * ch * oh * ow * fh * fw;
  }
  const groups = c.int("groups", 1), outChannels = c.int("out_channels", 1);
  if (ch % groups !== 0 || outChannels % groups !== 0) c.bad(`${ch} input and ${outChannels} output channels do not split into ${groups} groups`);
  c.holds(c.output(), n * outChannels * oh * ow, "output", 4);
  return n * outChannels * oh * ow * (ch / groups) * fh * fw;
}

/** Every index a strided slice visits lies inside in_shape; the output holds them all. */
function checkStridedSlice(c: NodeChecker): number {
  const { dims, count } = c.shape("in_shape");
  const begin = c.list("begin"), end = c.list("end"), strides = c.list("strides");
  let visited = 1;
  for (let d = 0; d < 4; d++) {
    const s = strides[d]!, b0 = begin[d]!, e = end[d]!;
    if (s === 0) c.bad(`stride of axis ${d} is 0`);
    const steps = Math.max(0, Math.ceil((s > 0 ? e - b0 : b0 - e) / Math.abs(s)));
    const last = b0 + (steps - 1) * s;
    if (steps > 0 && (b0 < 0 || b0 >= dims[d]! || last < 0 || last >= dims[d]!)) c.bad(`axis ${d} slices ${b0}..${e} step ${s} outside 0..${dims[d]! - 1}`);
    visited *= steps;
  }
  c.holds(c.input(), count, "input");
  c.holds(c.output(), visited, "output", elementBytes(c.input()));
  return visited;
}

/**
 * Fails (EgretError "parse") unless every node can run within its memory ranges and the work
 * budget; returns the model's work in steps.
 */
export function checkKmodelV4Runnable(model: KmodelV4, file: string): number {
  if (model.mainMem > K210_MAIN_MEMORY_BYTES) fail("parse", file, `header main_mem = ${model.mainMem} bytes exceeds the K210's ${K210_MAIN_MEMORY_BYTES} bytes of SRAM; the file is corrupt`);
  let work = 0;
  for (const node of model.nodes) {
    work += checkNode(new NodeChecker(node, file));
    if (work > KMODEL_RUN_WORK_BUDGET) fail("parse", `${file}: node ${node.index} (${node.name})`, `brings the model's work to ${work.toExponential(2)} steps, over egret run's budget of ${KMODEL_RUN_WORK_BUDGET.toExponential(0)}; the file is corrupt or the model too large to simulate`);
  }
  return work;
}
