/**
 * kmodel v4 writer (K210-KPU.md §4.3) for a k210-lowered program: plans the nodes
 * (kmodel-plan.ts), places every main-memory buffer by lifetime (placement.ts: 8-byte aligned, a
 * buffer never shares bytes with one live at the same node), and serialises
 *   header (40) | inputs × memory_range | inputs × i32[4] | outputs × memory_range | constants |
 *   nodes × {opcode, body_size} | bodies, each padded to end at an absolute multiple of 8.
 * KPU maps are placed the same way in 64-byte lines; chained KPU layers read their producer's map.
 */
import { fail } from "../../../src/errors.js";
import type { Graph } from "../../../src/ir/graph.js";
import { ByteWriter, type MemoryRangeRecord } from "./bytes.js";
import { KPU_LINE_BYTES, KPU_RAM_BYTES } from "../kpu-ram.js";
import { KmodelUnsupported, planKmodel, type Buffer } from "./plan.js";
import { placeBuffers } from "./placement.js";
import { concatsInPlace } from "./in-place-concat.js";
import { V4_OPCODES } from "./opcodes.js";
import { expandKpuChains } from "../kpu-chain.js";

export const KMODEL_V4_IDENTIFIER = 0x4b4d444c;
const HEADER_BYTES = 40;
/** kmodel v4 header `target`: 1 = K210. */
const TARGET_K210 = 1;

export interface KmodelSummary {
  readonly kpuLayers: number;
  readonly cpuNodes: number;
  readonly mainMemBytes: number;
  /** Highest KPU RAM byte used + 1. */
  readonly kpuRamBytes: number;
  readonly fileBytes: number;
}

export interface WrittenKmodel {
  readonly bytes: Uint8Array;
  readonly summary: KmodelSummary;
}

/** The kmodel bytes of `program`; fails ("unsupported-op") naming an op v4 cannot express. */
export function writeKmodel(compiled: Graph): WrittenKmodel {
  // One KpuConv2D per layer (the C program's KPU-RAM chains, kpu-chain.ts): the writer chains them itself.
  const program = expandKpuChains(compiled);
  const planned = (chain: boolean) => {
    try {
      return planKmodel(program, chain);
    } catch (e) {
      if (e instanceof KmodelUnsupported) fail("unsupported-op", "kmodel v4 writer", `${e.message}; no .kmodel can be written for this program`);
      throw e;
    }
  };
  // Chained KPU layers keep several maps live in KPU RAM; if they do not fit, every layer goes
  // through main memory (each layer alone fits: the lowering checked its two maps).
  let plan = planned(true);
  let kpu = placeBuffers(plan, "kpu", KPU_LINE_BYTES);
  if (kpu.size > KPU_RAM_BYTES) {
    plan = planned(false);
    kpu = placeBuffers(plan, "kpu", KPU_LINE_BYTES);
  }
  if (kpu.size > KPU_RAM_BYTES) fail("bad-option", "kmodel v4 writer", `the KPU maps need ${kpu.size} bytes of KPU RAM, more than the ${KPU_RAM_BYTES} (2 MiB) there is`);
  let main = placeBuffers(plan, "main", 8);
  const inPlace = concatsInPlace(plan);
  const mainInPlace = inPlace === undefined ? undefined : placeBuffers(inPlace.plan, "main", 8, inPlace.views);
  if (inPlace !== undefined && mainInPlace !== undefined && mainInPlace.size < main.size) [plan, main] = [inPlace.plan, mainInPlace];
  const { offsets, size: mainMem } = main;
  const range = (b: Buffer): MemoryRangeRecord => ({
    memoryType: b.pool,
    datatype: b.datatype,
    start: b.pool === "main" ? offsets.get(b.id)! : b.pool === "kpu" ? kpu.offsets.get(b.id)! : b.start!,
    size: b.size,
  });
  const headerEnd = HEADER_BYTES + plan.inputs.length * 32 + plan.outputs.length * 16 + plan.constants.length + plan.nodes.length * 8;
  const bodies: Uint8Array[] = [];
  let offset = headerEnd;
  for (const node of plan.nodes) {
    const w = new ByteWriter(offset);
    node.body(w, range);
    w.padTo(8);
    const body = w.finish();
    bodies.push(body);
    offset += body.length;
  }
  const file = new ByteWriter(0);
  file.u32(KMODEL_V4_IDENTIFIER).u32(4).u32(0).u32(TARGET_K210).u32(plan.constants.length).u32(mainMem);
  file.u32(plan.nodes.length).u32(plan.inputs.length).u32(plan.outputs.length).u32(0);
  for (const input of plan.inputs) file.memoryRange(range(input.buffer));
  for (const input of plan.inputs) file.i32s(input.shape);
  for (const out of plan.outputs) file.memoryRange(range(out));
  file.bytes(plan.constants);
  plan.nodes.forEach((n, i) => file.u32(n.opcode).u32(bodies[i]!.length));
  for (const body of bodies) file.bytes(body);
  const bytes = file.finish();
  const kpuRamBytes = kpu.size;
  const kpuLayers = plan.nodes.filter((n) => n.opcode === V4_OPCODES.kpu_conv2d).length;
  const cpuNodes = plan.nodes.filter((n) => n.opcode < 0x2000).length;
  return { bytes, summary: { kpuLayers, cpuNodes, mainMemBytes: mainMem, kpuRamBytes, fileBytes: bytes.length } };
}
