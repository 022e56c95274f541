/**
 * Executes a kmodel v4 on the host: KPU nodes with the bit-accurate simulator
 * (backends/k210/kpu-sim.ts), CPU nodes with TS versions of nncase v0.2's neutral kernels
 * (float32 arithmetic rounded like the C++ runtime with Math.fround).
 */
import { fail } from "../../errors.js";
import { runKpuLayer } from "../../../backends/k210/kpu-sim.js";
import { mapFits, mapLines, writeMap, KPU_RAM_BYTES } from "../../../backends/k210/kpu-ram.js";
import { roundShiftV01 } from "../../../backends/k210/kpu-arith.js";
import type { KmodelV4, MemoryRange, V4Node } from "./v4.js";
import { checkKmodelV4Runnable } from "./run-v4-checks.js";
import { conv2dF32, softmaxF32, stridedSliceBytes } from "./run-v4-kernels.js";

interface Memory {
  constants: Uint8Array;
  main: Uint8Array;
  kpu: Uint8Array;
}

function bytesOf(mem: Memory, r: MemoryRange): Uint8Array {
  const pool = r.memoryType === "const" ? mem.constants : r.memoryType === "main" ? mem.main : mem.kpu;
  return pool.subarray(r.start, r.start + r.size);
}

function floatsOf(mem: Memory, r: MemoryRange): Float32Array {
  const b = bytesOf(mem, r);
  // Ranges are 4-aligned in nncase files, but copy when they are not; a range the file types as
  // uint8 but a float op reads may hold a partial float at its end, which is dropped.
  const whole = b.length - (b.length % 4);
  return b.byteOffset % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, whole / 4) : new Float32Array(b.slice(0, whole).buffer);
}

function writeFloats(mem: Memory, r: MemoryRange, values: Float32Array): void {
  bytesOf(mem, r).set(new Uint8Array(values.buffer, values.byteOffset, Math.min(values.byteLength, r.size)));
}

const f = Math.fround;
const num = (node: V4Node, name: string): number => {
  const v = node.body.attrs[name];
  return typeof v === "number" ? v : fail("internal", `node ${node.index} (${node.name})`, `attribute ${name} is missing`);
};
const arr = (node: V4Node, name: string): number[] => {
  const v = node.body.attrs[name];
  return Array.isArray(v) ? v : fail("internal", `node ${node.index} (${node.name})`, `attribute ${name} is missing`);
};
const clampAct = (v: number, node: V4Node): number => f(Math.min(Math.max(v, num(node, "act_min")), num(node, "act_max")));
/** C roundf: half away from zero. */
const roundf = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** Offset of `index` in `shape` after broadcasting (dimensions of size 1 repeat). */
function broadcastOffset(shape: number[], index: number[]): number {
  let off = 0;
  for (let d = 0; d < 4; d++) off = off * shape[d]! + (shape[d] === 1 ? 0 : index[d]!);
  return off;
}

function forEachIndex(shape: number[], fn: (index: number[], linear: number) => void): void {
  let linear = 0;
  for (let a = 0; a < shape[0]!; a++) for (let b = 0; b < shape[1]!; b++) for (let c = 0; c < shape[2]!; c++) for (let d = 0; d < shape[3]!; d++) fn([a, b, c, d], linear++);
}

const BINARY: ((a: number, b: number) => number)[] = [(a, b) => a + b, (a, b) => a - b, (a, b) => a * b, (a, b) => a / b, Math.min, Math.max];
const UNARY: ((x: number) => number)[] = [Math.abs, Math.ceil, Math.cos, Math.exp, Math.floor, Math.log, (x) => -x, (x) => 1 / Math.sqrt(x), Math.sin, (x) => x * x];

function runNode(node: V4Node, mem: Memory): void {
  const b = node.body;
  const where = `node ${node.index} (${node.name})`;
  const input = (i = 0): MemoryRange => b.inputs[i] ?? fail("parse", where, `has no input ${i}`);
  const output = (): MemoryRange => b.outputs[0] ?? fail("parse", where, "has no output");
  switch (node.name) {
    case "kpu_upload": {
      const [n, c, h, w] = arr(node, "in_shape") as [number, number, number, number];
      const src = bytesOf(mem, input());
      const out = output();
      if (out.start % 64 !== 0) fail("parse", where, `KPU output starts at byte ${out.start}, not on a 64-byte line`);
      const per = c * h * w;
      if (src.length < n * per) fail("parse", where, `input holds ${src.length} bytes, shape needs ${n * per}`);
      let line = out.start / 64;
      for (let i = 0; i < n; i++) {
        writeMap(mem.kpu, line, { channels: c, height: h, width: w }, src.subarray(i * per, (i + 1) * per));
        line += mapLines(w, h, c);
      }
      return;
    }
    case "kpu_conv2d": {
      const k = b.kpu!;
      const outs = runKpuLayer(mem.kpu, k.layer, k.batches);
      if (k.mainOutput) {
        const dst = bytesOf(mem, k.mainOutput);
        let at = 0;
        for (const o of outs) { dst.set(o, at); at += o.length; }
      }
      return;
    }
    case "transpose": {
      const shape = arr(node, "in_shape");
      const perm = arr(node, "perm");
      const size = input().datatype === "float32" ? 4 : 1;
      const src = bytesOf(mem, input());
      const dst = bytesOf(mem, output());
      const outShape = perm.map((p) => shape[p]!);
      const inStrides = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
      const copy = src.slice();
      forEachIndex(outShape, (idx, linear) => {
        let off = 0;
        for (let d = 0; d < 4; d++) off += idx[d]! * inStrides[perm[d]!]!;
        dst.set(copy.subarray(off * size, off * size + size), linear * size);
      });
      return;
    }
    case "matmul": {
      const a = floatsOf(mem, input(0)), bm = floatsOf(mem, input(1));
      const rows = num(node, "a_rows"), cols = num(node, "a_cols"), bcols = num(node, "b_cols");
      const bias = b.floats.bias!;
      const out = new Float32Array(rows * bcols);
      for (let y = 0; y < rows; y++) for (let x = 0; x < bcols; x++) {
        let v = 0;
        for (let i = 0; i < cols; i++) v = f(v + f(a[y * cols + i]! * bm[i * bcols + x]!));
        out[y * bcols + x] = clampAct(f(v + bias[x]!), node);
      }
      writeFloats(mem, output(), out);
      return;
    }
    case "dequantize": {
      const q = bytesOf(mem, input());
      const zp = num(node, "zero_point"), div = f(1 / num(node, "scale"));
      writeFloats(mem, output(), Float32Array.from(q, (v) => f((v - zp) * div)));
      return;
    }
    case "quantize": {
      const x = floatsOf(mem, input());
      const zp = num(node, "zero_point"), scale = num(node, "scale");
      const dst = bytesOf(mem, output());
      x.forEach((v, i) => { dst[i] = Math.min(255, Math.max(0, roundf(f(f(v * scale) + zp)))); });
      return;
    }
    case "memory_copy": bytesOf(mem, output()).set(bytesOf(mem, input()).slice()); return;
    case "concat": {
      // inner_size is in bytes: nncase's concat kernel copies uint8 (element size already folded in).
      const inner = num(node, "inner_size"), outer = num(node, "outer_size");
      const dims = arr(node, "dims");
      const dst = bytesOf(mem, output());
      const srcs = b.inputs.map((r) => bytesOf(mem, r).slice());
      let at = 0;
      for (let o = 0; o < outer; o++) srcs.forEach((s, i) => {
        const n = inner * dims[i]!;
        dst.set(s.subarray(o * n, (o + 1) * n), at);
        at += n;
      });
      return;
    }
    case "reduce_window2d": {
      const [n, c, h, w] = arr(node, "in_shape") as [number, number, number, number];
      const op = num(node, "op");
      const fh = num(node, "filter_h"), fw = num(node, "filter_w"), sh = num(node, "stride_h"), sw = num(node, "stride_w");
      const dh = num(node, "dilation_h"), dw = num(node, "dilation_w"), ph = num(node, "pad_h_before"), pw = num(node, "pad_w_before");
      const oh = Math.floor((h + ph + num(node, "pad_h_after") - dh * (fh - 1) - 1) / sh) + 1;
      const ow = Math.floor((w + pw + num(node, "pad_w_after") - dw * (fw - 1) - 1) / sw) + 1;
      const x = floatsOf(mem, input());
      const out = new Float32Array(n * c * oh * ow);
      let at = 0;
      for (let bc = 0; bc < n * c; bc++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
        let v = num(node, "init");
        let count = 0;
        for (let ky = 0; ky < fh; ky++) for (let kx = 0; kx < fw; kx++) {
          const iy = oy * sh - ph + dh * ky, ix = ox * sw - pw + dw * kx;
          if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
          const t = x[(bc * h + iy) * w + ix]!;
          v = op === 1 ? Math.min(v, t) : op === 2 ? Math.max(v, t) : f(v + t);
          count++;
        }
        out[at++] = clampAct(op === 0 ? f(v / count) : v, node);
      }
      writeFloats(mem, output(), out);
      return;
    }
    case "binary": case "quantized_binary": {
      const sa = arr(node, "in_a_shape"), sb = arr(node, "in_b_shape"), so = arr(node, "out_shape");
      const op = BINARY[num(node, "op")] ?? fail("parse", where, `binary op ${num(node, "op")} is not one of add, sub, mul, div, min, max`);
      if (node.name === "binary") {
        const a = floatsOf(mem, input(0)), bb = floatsOf(mem, input(1));
        const out = new Float32Array(so.reduce((p, q) => p * q, 1));
        forEachIndex(so, (idx, i) => { out[i] = clampAct(f(op(a[broadcastOffset(sa, idx)]!, bb[broadcastOffset(sb, idx)]!)), node); });
        writeFloats(mem, output(), out);
        return;
      }
      // nncase v0.2 quantized_binary: mul_and_carry_shift uses the non-banker rounding R' (§3.5).
      const mcs = (v: number, mul: number, shift: number): number => Number(BigInt.asIntN(32, roundShiftV01(BigInt(v) * BigInt(mul), shift)));
      const a = bytesOf(mem, input(0)), bb = bytesOf(mem, input(1)), dst = bytesOf(mem, output());
      forEachIndex(so, (idx, i) => {
        const va = mcs(a[broadcastOffset(sa, idx)]! + num(node, "a_offset"), num(node, "a_mul"), num(node, "a_shift"));
        const vb = mcs(bb[broadcastOffset(sb, idx)]! + num(node, "b_offset"), num(node, "b_mul"), num(node, "b_shift"));
        const v = mcs(op(va, vb) | 0, num(node, "out_mul"), num(node, "out_shift")) + num(node, "out_offset");
        dst[i] = Math.min(255, Math.max(0, v));
      });
      return;
    }
    case "pad": {
      const shape = arr(node, "in_shape"), p = arr(node, "paddings");
      const size = input().datatype === "float32" ? 4 : 1;
      const src = bytesOf(mem, input()).slice(), dst = bytesOf(mem, output());
      const outShape = shape.map((d, i) => d + p[2 * i]! + p[2 * i + 1]!);
      const padBytes = Uint8Array.from(arr(node, "pad_bytes")).subarray(0, size);
      forEachIndex(outShape, (idx, linear) => {
        const inIdx = idx.map((v, d) => v - p[2 * d]!);
        const inside = inIdx.every((v, d) => v >= 0 && v < shape[d]!);
        if (!inside) { dst.set(padBytes, linear * size); return; }
        const off = ((inIdx[0]! * shape[1]! + inIdx[1]!) * shape[2]! + inIdx[2]!) * shape[3]! + inIdx[3]!;
        dst.set(src.subarray(off * size, off * size + size), linear * size);
      });
      return;
    }
    case "reduce": {
      const inShape = arr(node, "in_shape"), outShape = arr(node, "out_shape");
      const op = num(node, "op");
      const x = floatsOf(mem, input());
      const out = new Float32Array(outShape.reduce((p, q) => p * q, 1)).fill(num(node, "init"));
      forEachIndex(inShape, (idx, i) => {
        const o = broadcastOffset(outShape, idx);
        out[o] = op === 1 ? Math.min(out[o]!, x[i]!) : op === 2 ? Math.max(out[o]!, x[i]!) : f(out[o]! + x[i]!);
      });
      // mean = sum / (number of elements folded into each output)
      if (op === 0) out.forEach((v, i) => { out[i] = f(v / (x.length / out.length)); });
      writeFloats(mem, output(), out);
      return;
    }
    case "conv2d": {
      writeFloats(mem, output(), conv2dF32(floatsOf(mem, input()), b.floats.weights!, b.floats.bias!, {
        inShape: arr(node, "in_shape"), groups: num(node, "groups"), outChannels: num(node, "out_channels"),
        filterH: num(node, "filter_h"), filterW: num(node, "filter_w"), strideH: num(node, "stride_h"), strideW: num(node, "stride_w"),
        dilationH: num(node, "dilation_h"), dilationW: num(node, "dilation_w"),
        padH: [num(node, "pad_h_before"), num(node, "pad_h_after")], padW: [num(node, "pad_w_before"), num(node, "pad_w_after")],
        actMin: num(node, "act_min"), actMax: num(node, "act_max"),
      }));
      return;
    }
    case "softmax":
      writeFloats(mem, output(), softmaxF32(floatsOf(mem, input()), num(node, "beta"), num(node, "outer_size"), num(node, "inner_size")));
      return;
    case "strided_slice": {
      const size = input().datatype === "float32" ? 4 : 1;
      stridedSliceBytes(bytesOf(mem, input()).slice(), bytesOf(mem, output()), size, arr(node, "in_shape"), arr(node, "begin"), arr(node, "end"), arr(node, "strides"));
      return;
    }
    case "table_lookup1d": {
      const table = bytesOf(mem, input(1));
      const dst = bytesOf(mem, output());
      bytesOf(mem, input(0)).forEach((v, i) => { dst[i] = table[v]!; });
      return;
    }
    case "unary": {
      const fn = UNARY[num(node, "op")] ?? fail("parse", where, `unary op ${num(node, "op")} is unknown`);
      writeFloats(mem, output(), Float32Array.from(floatsOf(mem, input()), (v) => f(fn(v))));
      return;
    }
    default:
      fail("unsupported-op", where, `egret run cannot execute kmodel op ${node.name} yet`);
  }
}

/**
 * Inputs are raw bytes of each input tensor (uint8 or float32 LE), in model order. Returns output
 * bytes. The model is checked first (run-v4-checks.ts), so a corrupt file fails with an EgretError
 * naming `file` and the node instead of reading or writing outside a tensor.
 */
export function runKmodelV4(model: KmodelV4, inputs: readonly Uint8Array[], file = "kmodel"): Uint8Array[] {
  checkKmodelV4Runnable(model, file);
  const mem: Memory = { constants: model.constants, main: new Uint8Array(model.mainMem), kpu: new Uint8Array(KPU_RAM_BYTES) };
  model.inputs.forEach((r, i) => {
    const data = inputs[i] ?? fail("bad-option", "option --input", `the model has ${model.inputs.length} inputs; input ${i} is missing`);
    const shape = model.inputShapes[i]!;
    if (r.memoryType === "kpu") {
      const [n, c, h, w] = shape as [number, number, number, number];
      if (data.length !== n * c * h * w) fail("bad-shape", `input ${i}`, `has ${data.length} bytes; the model expects uint8 [${shape.join("x")}] = ${n * c * h * w}`);
      const map = { channels: c, height: h, width: w };
      if (r.start % 64 !== 0 || !mapFits(r.start / 64 + (n - 1) * mapLines(w, h, c), map)) fail("parse", `${file}: input ${i}`, `KPU range [${r.start}, +${r.size}) does not hold ${n} map(s) of ${c}×${h}×${w} on 64-byte lines; the file is corrupt`);
      for (let b = 0; b < n; b++) writeMap(mem.kpu, r.start / 64 + b * mapLines(w, h, c), map, data.subarray(b * c * h * w, (b + 1) * c * h * w));
    } else {
      if (data.length !== r.size) fail("bad-shape", `input ${i}`, `has ${data.length} bytes; the model expects ${r.datatype} [${shape.join("x")}] = ${r.size} bytes`);
      bytesOf(mem, r).set(data);
    }
  });
  for (const node of model.nodes) runNode(node, mem);
  return model.outputs.map((r) => bytesOf(mem, r).slice());
}
