/**
 * kmodel v4 node bodies (K210-KPU.md §4.3, nncase v0.2 `neutral_ops_body.h`, `k210_ops_body.h`).
 * Bodies are raw C++ structs: 4-byte fields, memory_range = 16 bytes, shape = i32[4],
 * padding = {i32 before, after}, value_range<float> = {min, max}, quant_param = {i32 zp, f32 scale}.
 * Each body is decoded into its memory ranges plus named attributes; kpu_conv2d into a KpuLayer.
 */
import { fail } from "../../../src/errors.js";
import {
  layerGeometry, unpackActivationTable, unpackBatchNormTable, unpackLayerArgument, weightCount, type KpuLayer,
} from "../kpu-layer.js";
import type { ByteCursor } from "./cursor.js";
import { readMemoryRange, type MemoryRange } from "./v4.js";


/** A decoded node body: tensors read and written, scalar/array attributes, float parameters. */
export interface V4Body {
  inputs: MemoryRange[];
  outputs: MemoryRange[];
  attrs: Record<string, number | number[]>;
  floats: Record<string, Float32Array>;
  /** kpu_conv2d only. */
  kpu?: { layer: KpuLayer; batches: number; mainOutput?: MemoryRange };
  /** Body bytes not decoded (ops the reader keeps opaque). */
  raw?: Uint8Array;
}

type Limits = { constants: number; mainMem: number };

export function parseV4Body(c: ByteCursor, opcode: number, where: string, limits: Limits): V4Body {
  const body: V4Body = { inputs: [], outputs: [], attrs: {}, floats: {} };
  const mr = (field: string): MemoryRange => readMemoryRange(c, `${where} ${field}`, limits);
  const shape = (name: string): void => { body.attrs[name] = c.i32s(4, `${where} ${name}`); };
  const i32 = (...names: string[]): void => { for (const n of names) body.attrs[n] = c.i32(`${where} ${n}`); };
  const f32 = (...names: string[]): void => { for (const n of names) body.attrs[n] = c.f32(`${where} ${n}`); };
  const inOut = (): void => { body.inputs.push(mr("input")); body.outputs.push(mr("output")); };
  switch (opcode) {
    case 0x00: case 0x11:
      body.inputs.push(mr("input_a"), mr("input_b"));
      body.outputs.push(mr("output"));
      i32("op"); shape("in_a_shape"); shape("in_b_shape"); shape("out_shape");
      if (opcode === 0x00) f32("act_min", "act_max");
      else i32("a_offset", "a_mul", "a_shift", "b_offset", "b_mul", "b_shift", "out_offset", "out_mul", "out_shift");
      break;
    case 0x01: {
      body.outputs.push(mr("output"));
      i32("inner_size", "outer_size");
      const n = c.u32(`${where} inputs_count`);
      if (n > 4096) fail("parse", c.file, `${where} inputs_count = ${n} is implausible; the file is corrupt`);
      for (let i = 0; i < n; i++) body.inputs.push(mr(`input ${i}`));
      body.attrs.dims = c.i32s(n, `${where} dims`);
      break;
    }
    case 0x02: {
      inOut(); shape("in_shape"); i32("groups", "out_channels", "pad_h_before", "pad_h_after", "pad_w_before", "pad_w_after", "filter_h", "filter_w", "stride_h", "stride_w", "dilation_h", "dilation_w"); f32("act_min", "act_max");
      const a = body.attrs as Record<string, number & number[]>;
      const inShape = body.attrs.in_shape as number[];
      if (a.groups! < 1 || a.out_channels! < 1) fail("parse", c.file, `${where} has groups ${a.groups} and out_channels ${a.out_channels}; both must be ≥ 1`);
      const n = (a.out_channels! * Math.floor(inShape[1]! / a.groups!)) * a.filter_h! * a.filter_w!;
      body.floats.weights = c.f32s(n, `${where} weights`);
      body.floats.bias = c.f32s(a.out_channels!, `${where} bias`);
      break;
    }
    case 0x03: case 0x06: inOut(); i32("zero_point"); f32("scale"); break;
    case 0x04: {
      body.inputs.push(mr("input_a"), mr("input_b")); body.outputs.push(mr("output"));
      i32("a_rows", "a_cols", "b_cols"); f32("act_min", "act_max");
      body.floats.bias = c.f32s(Math.max(0, body.attrs.b_cols as number), `${where} bias`);
      break;
    }
    case 0x05: inOut(); shape("in_shape"); body.attrs.paddings = c.i32s(8, `${where} paddings`); i32("pad_type"); body.attrs.pad_bytes = Array.from(c.take(4, `${where} pad_value`)); break;
    case 0x07: inOut(); i32("op"); shape("in_shape"); shape("out_shape"); f32("init"); break;
    case 0x08: inOut(); i32("op"); shape("in_shape"); i32("pad_h_before", "pad_h_after", "pad_w_before", "pad_w_after", "filter_h", "filter_w", "stride_h", "stride_w", "dilation_h", "dilation_w"); f32("init", "act_min", "act_max"); break;
    case 0x09: inOut(); break;
    case 0x0a: inOut(); shape("in_shape"); i32("out_h", "out_w", "mode"); body.attrs.align_corners = c.u8(`${where} align_corners`); break;
    case 0x0b: inOut(); i32("inner_size", "outer_size"); f32("beta"); break;
    case 0x0c: inOut(); shape("in_shape"); shape("perm"); break;
    case 0x0d: inOut(); shape("in_shape"); shape("begin"); shape("end"); shape("strides"); i32("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"); break;
    case 0x0e: inOut(); i32("op"); break;
    case 0x12: body.inputs.push(mr("input"), mr("table")); body.outputs.push(mr("output")); break;
    case 0x2001: inOut(); shape("in_shape"); break;
    case 0x2002: body.kpu = parseKpuConv(c, where, limits); break;
    default: body.raw = c.take(c.end - c.pos, `${where} body`);
  }
  if (c.pos > c.end) fail("parse", c.file, `${where} body overruns its declared size`);
  return body;
}

function parseKpuConv(c: ByteCursor, where: string, limits: Limits): NonNullable<V4Body["kpu"]> {
  // An absent main-memory output is all zeros (a zero-size const range).
  const mainStart = c.pos;
  const raw = c.take(16, `${where} main_mem_output`);
  const hasMain = raw.some((b) => b !== 0);
  c.pos = mainStart;
  const main = hasMain ? readMemoryRange(c, `${where} main_mem_output`, limits) : (c.skip(16, `${where} main_mem_output`), undefined);
  const batches = c.i32(`${where} batches`);
  if (batches < 1 || batches > 1024) fail("parse", c.file, `${where} batches = ${batches} is outside 1..1024`);
  c.i32(`${where} reserved0`);
  const args = unpackLayerArgument(c.u64s(12, `${where} register`));
  const g = layerGeometry(args);
  // The three address fields hold the pad byte counts in front of each block (§4.3).
  c.skip(args.bwsxBaseAddr, `${where} padding before the batch-norm table`);
  const bn = unpackBatchNormTable(c.u64s(g.outChannels, `${where} batch-norm table`));
  c.skip(args.activeAddr, `${where} padding before the activation table`);
  const activation = unpackActivationTable(c.u64s(18, `${where} activation table`));
  c.skip(args.paraStartAddr, `${where} padding before the weights`);
  const weights = c.take(weightCount(g), `${where} weights`).slice();
  if (main !== undefined) {
    const need = g.outChannels * g.outHeight * g.outWidth * batches;
    if (main.size !== need) fail("parse", c.file, `${where} main_mem_output holds ${main.size} bytes, the layer writes ${need}`);
  }
  return { layer: { args, batchNorm: bn, activation, weights }, batches, ...(main === undefined ? {} : { mainOutput: main }) };
}
