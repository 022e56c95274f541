/**
 * Calibration ranges through the pools the KPU layers' pool stage will take (kpu-pool-fusion.ts):
 * such a pool's output gets its input's range, so the layer reading the pooled map is quantised
 * with the pooled layer's output parameters and the two chain in KPU RAM (kpu-chain.ts needs equal
 * scale and zero point; nncase's fold_kpu_upload likewise cancels only equal dequantize → quantize
 * pairs). Sound: a max or mean over taps inside the map (the only pools fused) never leaves the
 * range of its input. The reader's input range may be wider than the pooled values' own (a mean
 * narrows it), so its input quantum may be coarser; measured in test/backends/k210/pool-fusion.test.ts.
 *
 * Decided on the float program, before the layers exist: a `KpuConv2DCandidate` (not grouped) whose
 * output is no graph output and is read only by a MaxPool/AveragePool that has a KPU pool type on
 * that map. A candidate that later falls back to the CPU keeps the (sound) wider range.
 */
import { attrInt } from "../../src/ir/attrs.js";
import type { Graph } from "../../src/ir/graph.js";
import { readLayout } from "../../src/ir/ops/window.js";
import type { Range } from "./kpu-quantize.js";
import { kpuPoolTypeOf } from "./kpu-pool-fusion.js";
import { KPU_CONV2D_CANDIDATE } from "./ops/kpu-conv2d-candidate.js";

/** `ranges` with each fusable pool's output range set to its input's (a new map). */
export function shareRangesThroughPools(program: Graph, ranges: ReadonlyMap<string, Range>): Map<string, Range> {
  const shared = new Map(ranges);
  const outputs = new Set(program.outputs.map((o) => o.name));
  for (const producer of program.nodes) {
    if (producer.op !== KPU_CONV2D_CANDIDATE || attrInt(producer, "group", 1) !== 1) continue;
    const y = producer.outputs[0]!;
    const readers = program.nodes.filter((n) => n.inputs.includes(y));
    const pool = readers[0];
    const range = ranges.get(y);
    const shape = program.values.get(y)?.shape;
    if (outputs.has(y) || readers.length !== 1 || pool === undefined || pool.inputs[0] !== y || range === undefined || shape?.length !== 4) continue;
    if (pool.op !== "MaxPool" && pool.op !== "AveragePool") continue;
    const [h, w] = readLayout(pool) === "NHWC" ? [shape[1]!, shape[2]!] : [shape[2]!, shape[3]!];
    if (kpuPoolTypeOf(pool, h, w) !== undefined) shared.set(pool.outputs[0]!, range);
  }
  return shared;
}
