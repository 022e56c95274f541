/**
 * Latency estimate of a kmodel v4 on the K210, per node and per model: KPU layers in KPU cycles,
 * everything else as CPU work on one RV64GC core, both at 400 MHz (K210-KPU.md §1.1: PLL1 = 400 MHz
 * in the SDK and nncase examples, KPU divisor 1). Sources and assumptions:
 *   - KPU cycles: `kpuLayerCycles` of the k210-kpu cost model (cost-model.ts: 64 lanes of a
 *     3×3 window per cycle, ~2000 cycles of set-up per layer, weights at 8 bytes/cycle), times the
 *     layer's `batches`. [UNVERIFIED: no published KPU timing; §1.1 gives marketing throughput.]
 *   - CPU kernels: the cost model's K210 coefficients per MAC / element (float conv 7 cycles per MAC,
 *     matmul 5, pooling 4 per tap, softmax 120 and exp 100 per element, quantise/dequantise 6 per
 *     element, transposes and strided slices 3 per element, copies 0.5 per byte).
 *   - Data movement: kpu_upload re-lays out on the CPU (2 cycles per byte; a plain copy at 0.25 per
 *     byte when W % 64 == 0, §1.7), a KPU-RAM model input costs the same re-layout (§4.3 runtime
 *     behaviour), and a layer's main-memory output is copied out by the CPU (2 cycles per byte;
 *     the v4 runtime does not use the DMA FIFO, §1.7). KPU and CPU never overlap (the v4 runtime
 *     busy-waits for calc_done).
 * nncase's published slim-320 time (65.6 ms on a KD233, models/kmodel/README.md) is the only
 * measured figure to compare with; `npm run bench:k210` prints this estimate for nncase's own file
 * beside it, which is what says how far to trust the model.
 */
import { fail } from "../../src/errors.js";
import { parseKmodel, type KmodelV4, type V4Node } from "./kmodel/index.js";
import { K210_CPU_COEFFICIENTS, kpuLayerCycles } from "./cost-model.js";
import { layerGeometry } from "./kpu-layer.js";
import { COPY_CYCLES_PER_BYTE, MOVE_CYCLES_PER_ELEMENT, QUANTISE_CYCLES_PER_ELEMENT, RELAYOUT_CYCLES_PER_BYTE } from "./cpu-move-cycles.js";

export const K210_CLOCK_HZ = 400_000_000;
/** What this estimate gives nncase's own slim-320 kmodel, and what nncase measured (tested). */
export const NNCASE_SLIM_ESTIMATED_MS = 19.6;
export const NNCASE_SLIM_MEASURED_MS = 65.6;
/** The caveat printed beside every estimate. */
export const LATENCY_CAVEAT =
  `a cycle model not validated on silicon: it puts nncase's slim-320 kmodel at ${NNCASE_SLIM_ESTIMATED_MS} ms, measured ${NNCASE_SLIM_MEASURED_MS} ms on a KD233 (docs/k210.md)`;
const C = K210_CPU_COEFFICIENTS;

export interface NodeLatency {
  readonly index: number;
  readonly name: string;
  readonly unit: "kpu" | "cpu";
  readonly cycles: number;
}

export interface KmodelLatency {
  readonly nodes: readonly NodeLatency[];
  readonly kpuMs: number;
  readonly cpuMs: number;
  readonly totalMs: number;
}

const num = (n: V4Node, k: string) => n.body.attrs[k] as number;
const arr = (n: V4Node, k: string) => n.body.attrs[k] as number[];
const elements = (bytes: number, datatype: string) => bytes / (datatype === "float32" ? 4 : 1);

/** CPU cycles of one non-KPU node. */
function cpuCycles(n: V4Node): number {
  const b = n.body;
  const out = b.outputs[0];
  const outElems = out === undefined ? 0 : elements(out.size, out.datatype);
  switch (n.name) {
    case "conv2d": {
      const inShape = arr(n, "in_shape");
      return outElems * (inShape[1]! / num(n, "groups")) * num(n, "filter_h") * num(n, "filter_w") * C.cyclesPerMac.conv!;
    }
    case "matmul": return num(n, "a_rows") * num(n, "a_cols") * num(n, "b_cols") * C.cyclesPerMac.matmul!;
    case "reduce_window2d": return outElems * num(n, "filter_h") * num(n, "filter_w") * C.cyclesPerMac.pool!;
    case "reduce": return elements(b.inputs[0]!.size, b.inputs[0]!.datatype) * C.cyclesPerMac.reduce!;
    case "softmax": return outElems * C.cyclesPerMac.softmax!;
    case "unary": return outElems * C.cyclesPerElement.transcendental;
    case "quantize": case "dequantize": return outElems * QUANTISE_CYCLES_PER_ELEMENT;
    case "transpose": case "strided_slice": case "pad": return outElems * MOVE_CYCLES_PER_ELEMENT;
    case "memory_copy": case "concat": return (out?.size ?? 0) * COPY_CYCLES_PER_BYTE;
    case "kpu_upload": return relayoutCycles(arr(n, "in_shape"), b.inputs[0]!.size);
    default: return outElems * (C.cyclesPerElement.cheap + C.cyclesPerElementwiseByte * 8);
  }
}

/** Dense NCHW ↔ KPU layout on the CPU: a copy when W % 64 == 0, else a per-row re-layout (§1.7). */
function relayoutCycles(shape: readonly number[], bytes: number): number {
  return bytes * (shape[3]! % 64 === 0 ? COPY_CYCLES_PER_BYTE : RELAYOUT_CYCLES_PER_BYTE);
}

/** Estimated cycles of each kmodel node (a KPU layer with its main-memory download counts both). */
export function cyclesByNode(latency: KmodelLatency): Map<number, number> {
  const byNode = new Map<number, number>();
  for (const n of latency.nodes) if (n.index >= 0) byNode.set(n.index, (byNode.get(n.index) ?? 0) + n.cycles);
  return byNode;
}

export function estimateKmodelLatency(model: KmodelV4): KmodelLatency {
  const nodes: NodeLatency[] = [];
  model.inputs.forEach((r, i) => {
    if (r.memoryType === "kpu") nodes.push({ index: -1 - i, name: "input re-layout into KPU RAM", unit: "cpu", cycles: relayoutCycles(model.inputShapes[i]!, r.size) });
  });
  for (const n of model.nodes) {
    const kpu = n.body.kpu;
    if (kpu !== undefined) {
      const g = layerGeometry(kpu.layer.args);
      nodes.push({ index: n.index, name: n.name, unit: "kpu", cycles: kpuLayerCycles({ ...g, kernel: g.kernel === 1 ? 1 : 3, layout: "NCHW" }) * kpu.batches });
      if (kpu.mainOutput !== undefined) nodes.push({ index: n.index, name: "kpu download", unit: "cpu", cycles: kpu.mainOutput.size * RELAYOUT_CYCLES_PER_BYTE });
    } else {
      nodes.push({ index: n.index, name: n.name, unit: "cpu", cycles: cpuCycles(n) });
    }
  }
  const ms = (unit: "kpu" | "cpu") => (1000 * nodes.filter((x) => x.unit === unit).reduce((s, x) => s + x.cycles, 0)) / K210_CLOCK_HZ;
  const kpuMs = ms("kpu");
  const cpuMs = ms("cpu");
  return { nodes, kpuMs, cpuMs, totalMs: kpuMs + cpuMs };
}

/** The estimate of a kmodel v4 file Egret wrote (the compile summary's figure). */
export function estimateKmodelFileLatency(bytes: Uint8Array): KmodelLatency {
  const model = parseKmodel(bytes, "model.kmodel");
  if (model.version !== 4) return fail("unsupported-op", "model.kmodel", "the latency estimate reads kmodel v4 files");
  return estimateKmodelLatency(model);
}
