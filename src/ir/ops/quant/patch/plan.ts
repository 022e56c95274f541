import { fail } from "../../../../errors.js";
import { attrInt, attrInts } from "../../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../graph.js";
import { DTYPES } from "../../../dtype.js";
import type { OpLookup } from "../../../op.js";
import { allBands, cachedBands, type LayerBand, type RowWindow } from "./band-geometry.js";
import { readActRange } from "../qparams.js";
import { decodeStages, inferChain, isPoolOp, layerOp, rowWindow, stageNodes } from "./stages.js";

/** Tensor names a band's layer node reads and writes (the emitter maps them to row slices). */
export const BAND_IN = "band:in";
export const BAND_OUT = "band:out";

/** One kernel call: a layer's own op on some rows, typed. */
export interface LayerCall {
  readonly node: Node;
  readonly inputs: readonly (ValueInfo | undefined)[];
  readonly output: ValueInfo;
}

/**
 * One layer of one band. `held`: the rows of the layer's output the band needs (what its buffer
 * holds after the band). `rows`: the rows computed now and the input rows they read; with halo
 * caching only the rows not already held from the previous band, after `kept` rows were moved
 * from `kept.shift` rows down to the buffer's start. `call` is absent when nothing is new.
 */
export interface BandLayer {
  readonly held: { readonly start: number; readonly end: number };
  readonly rows: LayerBand;
  readonly kept: { readonly shift: number; readonly rows: number } | undefined;
  readonly call: LayerCall | undefined;
}

/**
 * A last layer that pools its whole int8 input to one pixel per channel: instead of banding its
 * one output row (which needs every input row), the bands run the layers before it and add their
 * rows into one int32 sum (or max) per channel, finished once after the last band exactly as the
 * pool kernel rounds (runtime-c/kernels/qpool_i8.c).
 */
export interface GlobalPool {
  readonly isMax: boolean;
  readonly channels: number;
  /** Pixels in the window (every input pixel: no padding). */
  readonly count: number;
  readonly actMin: number;
  readonly actMax: number;
}

export interface PatchPlan {
  readonly stages: readonly Node[];
  /** The last layer when it is accumulated band by band rather than banded. */
  readonly pool: GlobalPool | undefined;
  /** types[i]: layer i's input; the last entry: the chain's output. */
  readonly types: readonly ValueInfo[];
  readonly windows: readonly RowWindow[];
  /** bands[b][i]: layer i of band b. */
  readonly bands: readonly (readonly BandLayer[])[];
  readonly bandRows: number;
  /** Halo rows kept from band to band in per-layer buffers (attribute halo = "cache") instead of recomputed. */
  readonly cache: boolean;
}

/**
 * Plans a QPatchBands node: its layers, their types, and every band's layer nodes (the layer's
 * attributes with the band's top/bottom padding, reading BAND_IN and writing BAND_OUT). `ops`:
 * the compile's registry, where the layers' ops are found.
 */
export function planPatch(node: Node, inputs: readonly (ValueInfo | undefined)[], ops: OpLookup): PatchPlan {
  const stages = stageNodes(node, decodeStages(node));
  if (stages.length < 2) fail("bad-attribute", nodeLabel(node), `a patch chain needs at least 2 layers, got ${stages.length}`);
  const infos = new Map<string, ValueInfo | undefined>(node.inputs.map((name, i) => [name, inputs[i]]));
  const types = inferChain(stages, infos, ops);
  const pool = globalPool(stages[stages.length - 1]!, types[stages.length - 1]!, types[stages.length]!);
  const banded = pool === undefined ? stages : stages.slice(0, -1);
  const bandRows = attrInt(node, "band_rows");
  const outHeight = types[banded.length]!.shape[1]!;
  if (!(bandRows >= 1 && bandRows < outHeight)) fail("bad-attribute", nodeLabel(node), `attribute "band_rows" must be from 1 to ${outHeight - 1} (the output has ${outHeight} rows), got ${bandRows}`);
  const weightsOf = (stage: Node) => (stage.inputs[1] === undefined || stage.inputs[1] === "" ? undefined : infos.get(stage.inputs[1]));
  const windows = banded.map((s, i) => rowWindow(s, weightsOf(s), types[i]!.shape[1]!, types[i + 1]!.shape[1]!));
  const cache = node.attrs["halo"] === "cache";
  const layerCall = (i: number, r: LayerBand): LayerCall | undefined => {
    if (r.outEnd <= r.outStart) return undefined;
    const stage = banded[i]!;
    const pads = attrInts(stage, "pads", [0, 0, 0, 0]);
    const callNode: Node = { ...stage, inputs: [BAND_IN, ...stage.inputs.slice(1)], outputs: [BAND_OUT], attrs: { ...stage.attrs, pads: [r.padTop, pads[1]!, r.padBottom, pads[3]!] } };
    const [, , w, c] = types[i]!.shape as [number, number, number, number];
    const inType: ValueInfo = { dtype: types[i]!.dtype, shape: [1, r.inEnd - r.inStart, w, c] };
    const callInputs = [inType, ...stage.inputs.slice(1).map((n) => (n === "" ? undefined : infos.get(n)))];
    const [output] = layerOp(ops, stage).infer(callNode, callInputs);
    return { node: callNode, inputs: callInputs, output: output! };
  };
  const bands = cache
    ? cachedBands(windows, bandRows).map((band) =>
        band.map((l, i): BandLayer => ({ held: l.held, rows: l.compute ?? emptyRows(l.held.end), kept: l.kept, call: l.compute === undefined ? undefined : layerCall(i, l.compute) })),
      )
    : allBands(windows, bandRows).map((band) =>
        band.map((r, i): BandLayer => ({ held: { start: r.outStart, end: r.outEnd }, rows: r, kept: undefined, call: layerCall(i, r) })),
      );
  return { stages, pool, types, windows, bands, bandRows, cache };
}

/** No rows computed (a cached band with nothing new for this layer). */
function emptyRows(at: number): LayerBand {
  return { inStart: at, inEnd: at, outStart: at, outEnd: at, padTop: 0, padBottom: 0 };
}

function globalPool(stage: Node, x: ValueInfo, y: ValueInfo): GlobalPool | undefined {
  if (!isPoolOp(stage.op) || x.dtype !== "int8" || y.shape[1] !== 1 || y.shape[2] !== 1) return undefined;
  const [, h, w, c] = x.shape as [number, number, number, number];
  const kernel = attrInts(stage, "kernel");
  if (kernel[0] !== h || kernel[1] !== w || attrInts(stage, "pads", [0, 0, 0, 0]).some((p) => p !== 0)) return undefined;
  const act = readActRange(stage, "int8");
  return { isMax: stage.op === "QMaxPool2D", channels: c, count: h * w, actMin: act.min, actMax: act.max };
}

export const PATCH_ALIGNMENT = 16;
const align = (n: number) => Math.ceil(n / PATCH_ALIGNMENT) * PATCH_ALIGNMENT;

/**
 * The node's scratch memory: the largest scratch any layer's kernel needs on a band, the band
 * buffers (patchScratch), then a global pool's int32 sums. The last banded layer writes the
 * node's output directly, unless a global pool follows it.
 */
export interface PatchScratch {
  readonly kernelBytes: number;
  /** Offset of each layer's band buffer within the scratch (layers writing the output have none). */
  readonly bufferOffsets: readonly number[];
  /** Offset of the global pool's per-channel int32 sums. */
  readonly poolOffset: number;
  readonly totalBytes: number;
}

/**
 * Without halo caching, two buffers used in turn (layer i writes buffer i % 2, layer i+1 reads
 * it); with it, one buffer per layer, kept from band to band. Each is as large as the most rows
 * it holds.
 */
export function patchScratch(plan: PatchPlan, ops: OpLookup): PatchScratch {
  let kernelBytes = 0;
  const layers = plan.bands[0]!.length;
  const slots = plan.cache ? layers : 2;
  const slot = (i: number) => (plan.cache ? i : i % 2);
  const buffer = new Array<number>(slots).fill(0);
  const last = layers - 1;
  for (const band of plan.bands) {
    band.forEach((layer, i) => {
      const call = layer.call;
      if (call !== undefined) kernelBytes = Math.max(kernelBytes, layerOp(ops, call.node).scratchBytes?.(call.node, call.inputs, [call.output]) ?? 0);
      if (i < last || plan.pool !== undefined) buffer[slot(i)] = Math.max(buffer[slot(i)]!, (layer.held.end - layer.held.start) * rowBytes(plan.types[i + 1]!));
    });
  }
  let at = align(kernelBytes);
  const offsets = buffer.map((bytes) => {
    const offset = at;
    at += align(bytes);
    return offset;
  });
  const bufferOffsets = Array.from({ length: layers }, (_, i) => offsets[slot(i)]!);
  return { kernelBytes: align(kernelBytes), bufferOffsets, poolOffset: at, totalBytes: at + align(4 * (plan.pool?.channels ?? 0)) };
}

/** Bytes of one row of an NHWC batch-1 tensor. */
export function rowBytes(v: ValueInfo): number {
  return v.shape[2]! * v.shape[3]! * DTYPES[v.dtype].bytes;
}

export function bytesOf(v: ValueInfo): number {
  return v.shape.reduce((p, d) => p * d, 1) * DTYPES[v.dtype].bytes;
}
