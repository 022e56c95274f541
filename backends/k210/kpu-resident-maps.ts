/**
 * Maps kept in KPU RAM across their readers (C program), as the kmodel keeps them (nncase's KPU RAM
 * plan): a uint8 hand-over map (kpu-u8-handover.ts, a chain's `output_u8`) or a uint8 head concat
 * (kpu-requant-concat.ts, a `KpuRequantConcat`'s output) that only KPU layers read
 * (KpuConv2D or KpuConv2DChain, each `input_u8`) need not wait in main memory. It gets its own bytes in KPU RAM above every
 * layer's maps (kpu-chain.ts places each chain's maps from line 0, so no layer writes there) and below
 * the uint8 frames (kpu-frame.ts, at the top), 64-byte aligned, in program order while they fit; the
 * producer writes its planar bytes there (`output_kpu`) and the readers copy them from there into
 * their first map (`input_kpu`), both through eg_kpu_frame (kpu_driver.h). Each such map has its own
 * bytes for the whole run (no reuse), which the 2 MiB allow for the networks of bench:k210.
 *
 * The value becomes a one-byte token in the C program (RESIDENT_TOKEN), so the map takes no arena
 * bytes; the bytes and their order are those of the arena copy, so outputs are unchanged.
 * `expandKpuChains` types the map from its layer again and drops the attributes (the kmodel's form).
 */
import { readersOf, type Graph, type Node } from "../../src/ir/graph.js";
import { numel } from "../../src/ir/shape.js";
import { attrInt, hasAttr } from "../../src/ir/attrs.js";
import { expandKpuChains } from "./kpu-chain.js";
import { kpuRamUsedBytes, placeKpuFrames } from "./kpu-frame.js";
import { KPU_LINE_BYTES, KPU_RAM_BYTES } from "./kpu-ram.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN, RESIDENT_TOKEN } from "./ops/kpu-conv2d-chain.js";
import { KPU_REQUANT_CONCAT } from "./ops/kpu-requant-concat.js";

const isKpu = (n: Node) => n.op === KPU_CONV2D || n.op === KPU_CONV2D_CHAIN;
/** A node whose output is a uint8 planar map KPU layers can take from KPU RAM. */
const writesUint8Map = (n: Node) => (n.op === KPU_CONV2D_CHAIN && attrInt(n, "output_u8", 0) === 1) || n.op === KPU_REQUANT_CONCAT;
const alignLine = (n: number) => Math.ceil(n / KPU_LINE_BYTES) * KPU_LINE_BYTES;

/** Keeps each uint8 map only KPU layers read in KPU RAM when it fits (see above). */
export function keepMapsInKpuRam(program: Graph): Graph {
  const layersTop = kpuRamUsedBytes(expandKpuChains(program));
  const frameOffsets = placeKpuFrames(program, layersTop).flatMap((f) => (f.offset === undefined ? [] : [f.offset]));
  const limit = Math.min(KPU_RAM_BYTES, ...frameOffsets);
  const readers = readersOf(program);
  const outputs = new Set(program.outputs.map((o) => o.name));
  const offsets = new Map<string, number>();
  let top = alignLine(layersTop);
  for (const node of program.nodes) {
    if (!writesUint8Map(node)) continue;
    const map = node.outputs[0]!;
    const users = readers.get(map) ?? [];
    if (outputs.has(map) || users.length === 0 || !users.every((r) => isKpu(r) && attrInt(r, "input_u8", 0) === 1 && r.inputs[0] === map)) continue;
    const bytes = numel(program.values.get(map)!.shape);
    if (top + bytes > limit) continue;
    offsets.set(map, top);
    top = alignLine(top + bytes);
  }
  if (offsets.size === 0) return program;
  const values = new Map(program.values);
  for (const map of offsets.keys()) values.set(map, RESIDENT_TOKEN);
  const nodes = program.nodes.map((node) => {
    if (!isKpu(node) && node.op !== KPU_REQUANT_CONCAT) return node;
    // A KpuRequantConcat's inputs are read by the concat alone (a CPU copy), so never kept here.
    const out = offsets.get(node.outputs[0]!), into = isKpu(node) ? offsets.get(node.inputs[0]!) : undefined;
    if (out === undefined && into === undefined) return node;
    return { ...node, attrs: { ...node.attrs, ...(out === undefined ? {} : { output_kpu: out }), ...(into === undefined ? {} : { input_kpu: into }) } };
  });
  return { ...program, nodes, values };
}

/** Highest KPU RAM byte the program's layers and kept maps use + 1 (frames go above). */
export function kpuRamTopBytes(program: Graph): number {
  const expanded = expandKpuChains(program);
  let top = kpuRamUsedBytes(expanded);
  for (const node of program.nodes) {
    if (!writesUint8Map(node) || !hasAttr(node, "output_kpu")) continue;
    // The map's element count is its float form's (expandKpuChains types it from the layer, or the
    // concat's float value, again).
    top = Math.max(top, alignLine(attrInt(node, "output_kpu") + numel(expanded.values.get(node.outputs[0]!)!.shape)));
  }
  return top;
}
