import { fail } from "../../../../errors.js";
import { attrInt, attrInts } from "../../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../graph.js";
import { DTYPES } from "../../../dtype.js";
import { getOp } from "../../../registry.js";
import { allBands, type LayerBand, type RowWindow } from "./band-geometry.js";
import { decodeStages, inferChain, rowWindow, stageNodes } from "./stages.js";

/** Tensor names a band's layer node reads and writes (the emitter maps them to row slices). */
export const BAND_IN = "band:in";
export const BAND_OUT = "band:out";

/** One layer of one band as a node of the layer's own op, typed. */
export interface BandLayer {
  readonly node: Node;
  readonly inputs: readonly (ValueInfo | undefined)[];
  readonly output: ValueInfo;
  readonly rows: LayerBand;
}

export interface PatchPlan {
  readonly stages: readonly Node[];
  /** types[i]: layer i's input; the last entry: the chain's output. */
  readonly types: readonly ValueInfo[];
  readonly windows: readonly RowWindow[];
  /** bands[b][i]: layer i of band b. */
  readonly bands: readonly (readonly BandLayer[])[];
  readonly bandRows: number;
}

/**
 * Plans a QPatchBands node: its layers, their types, and every band's layer nodes (the layer's
 * attributes with the band's top/bottom padding, reading BAND_IN and writing BAND_OUT).
 */
export function planPatch(node: Node, inputs: readonly (ValueInfo | undefined)[]): PatchPlan {
  const stages = stageNodes(node, decodeStages(node));
  if (stages.length < 2) fail("bad-attribute", nodeLabel(node), `a patch chain needs at least 2 layers, got ${stages.length}`);
  const infos = new Map<string, ValueInfo | undefined>(node.inputs.map((name, i) => [name, inputs[i]]));
  const types = inferChain(stages, infos);
  const bandRows = attrInt(node, "band_rows");
  const outHeight = types[types.length - 1]!.shape[1]!;
  if (!(bandRows >= 1 && bandRows < outHeight)) fail("bad-attribute", nodeLabel(node), `attribute "band_rows" must be from 1 to ${outHeight - 1} (the output has ${outHeight} rows), got ${bandRows}`);
  const weightsOf = (stage: Node) => (stage.inputs[1] === undefined || stage.inputs[1] === "" ? undefined : infos.get(stage.inputs[1]));
  const windows = stages.map((s, i) => rowWindow(s, weightsOf(s), types[i]!.shape[1]!, types[i + 1]!.shape[1]!));
  const bands = allBands(windows, bandRows).map((rows) =>
    rows.map((r, i): BandLayer => {
      const stage = stages[i]!;
      const pads = attrInts(stage, "pads", [0, 0, 0, 0]);
      const bandNode: Node = { ...stage, inputs: [BAND_IN, ...stage.inputs.slice(1)], outputs: [BAND_OUT], attrs: { ...stage.attrs, pads: [r.padTop, pads[1]!, r.padBottom, pads[3]!] } };
      const [, , w, c] = types[i]!.shape as [number, number, number, number];
      const inType: ValueInfo = { dtype: types[i]!.dtype, shape: [1, r.inEnd - r.inStart, w, c] };
      const bandInputs = [inType, ...stage.inputs.slice(1).map((n) => (n === "" ? undefined : infos.get(n)))];
      const [output] = getOp(stage.op)!.infer(bandNode, bandInputs);
      return { node: bandNode, inputs: bandInputs, output: output!, rows: r };
    }),
  );
  return { stages, types, windows, bands, bandRows };
}

export const PATCH_ALIGNMENT = 16;
const align = (n: number) => Math.ceil(n / PATCH_ALIGNMENT) * PATCH_ALIGNMENT;

/**
 * The node's scratch memory: the largest scratch any layer's kernel needs on a band, then two
 * band buffers used in turn (layer i writes buffer i % 2, layer i+1 reads it), each as large as
 * the largest band output it holds. The last layer writes the node's output directly.
 */
export interface PatchScratch {
  readonly kernelBytes: number;
  /** Offsets of the two band buffers within the scratch. */
  readonly bufferOffsets: readonly [number, number];
  readonly totalBytes: number;
}

export function patchScratch(plan: PatchPlan): PatchScratch {
  let kernelBytes = 0;
  const buffer = [0, 0];
  const last = plan.stages.length - 1;
  for (const band of plan.bands) {
    band.forEach((layer, i) => {
      const op = getOp(layer.node.op)!;
      kernelBytes = Math.max(kernelBytes, op.scratchBytes?.(layer.node, layer.inputs, [layer.output]) ?? 0);
      if (i < last) buffer[i % 2] = Math.max(buffer[i % 2]!, bytesOf(layer.output));
    });
  }
  const k = align(kernelBytes);
  const a = align(buffer[0]!);
  return { kernelBytes: k, bufferOffsets: [k, k + a], totalBytes: k + a + align(buffer[1]!) };
}

export function bytesOf(v: ValueInfo): number {
  return v.shape.reduce((p, d) => p * d, 1) * DTYPES[v.dtype].bytes;
}
