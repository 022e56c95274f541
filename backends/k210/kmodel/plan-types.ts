/**
 * The symbolic buffers and nodes of a kmodel v4 plan (kmodel-plan.ts builds them, kmodel-writer.ts
 * places and serialises them), and the shape helpers the planner and the translators share.
 */
import { type ByteWriter, type MemoryRangeRecord } from "./bytes.js";

/** A tensor's storage: main memory (placed later), the constant pool or fixed KPU RAM bytes. */
export interface Buffer {
  readonly id: number;
  readonly pool: "main" | "const" | "kpu";
  readonly datatype: "float32" | "uint8";
  readonly size: number;
  /** const and kpu buffers: their start in the pool. */
  readonly start?: number;
}

export type RangeOf = (b: Buffer) => MemoryRangeRecord;

export interface PlannedNode {
  readonly opcode: number;
  /** The Egret node it comes from (for messages). */
  readonly from: string;
  readonly reads: readonly Buffer[];
  readonly writes: readonly Buffer[];
  /** Writes the body; `w.offset` is its absolute file offset. */
  readonly body: (w: ByteWriter, range: RangeOf) => void;
  /** A concat whose output is its inputs' bytes one after another (outer size 1): in-place-concat.ts. */
  readonly appendsReads?: boolean;
}

export interface KmodelPlan {
  readonly nodes: PlannedNode[];
  readonly buffers: Buffer[];
  readonly constants: Uint8Array;
  readonly inputs: { buffer: Buffer; shape: number[] }[];
  readonly outputs: Buffer[];
}

/** An Egret op with no kmodel v4 counterpart (the node and op are named in the message). */
export class KmodelUnsupported extends Error {}

/** Where a value lives: in its logical order and/or channels-first (for NHWC 4-D values). */
export interface Placed {
  readonly shape: readonly number[];
  logical?: Buffer;
  nchw?: Buffer;
  /** A KPU layer's output still in KPU RAM (chained layers read it there). */
  kpu?: KpuResident;
}

/** A KPU output map, its quantisation, and how to get a float copy into main memory. */
export interface KpuResident {
  /** The map in KPU RAM, absent when the value is a CPU-subsampled part of it (it lives in main memory only). */
  readonly map?: Buffer;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly nhwc: boolean;
  /** The value as dense uint8 NCHW in main memory (created on first use). */
  readonly mainOutput: () => Buffer;
}

export const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** Right-aligns a shape of rank ≤ 4 into nncase's fixed 4-D shape. */
export function shape4(s: readonly number[], where: string): number[] {
  if (s.length > 4) throw new KmodelUnsupported(`${where}: rank ${s.length} > 4; kmodel v4 shapes are 4-D`);
  return [...Array(4 - s.length).fill(1), ...s];
}
export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];
