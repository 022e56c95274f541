/**
 * In the kmodel, a MaxPool or AveragePool that reads a KPU layer's output moves into the layer's
 * pool stage (K210-KPU.md §1.5; nncase v0.2's fuse_kpu_conv2d_pool, §5.3 step 9). Which pools, and
 * the layer's registers for them, is the decision the C program shares (../kpu-pool-fusion.ts,
 * `fusablePool`): a program from the target's lowering already has its pools fused
 * (`fuseKpuPools`), so this takes only pools of programs lowered without that step.
 *
 * The pooled uint8 map is the pool's value (A's quantisation), kept in KPU RAM for the next KPU layer
 * or dequantised for a CPU reader; the pool has no kmodel node. A layer that took over a producer's
 * subsampling (motion.ts: pool type 5) keeps it.
 */
import type { Node } from "../../../src/ir/graph.js";
import type { KpuLayer } from "../kpu-layer.js";
import { fusablePool } from "../kpu-pool-fusion.js";
import type { Planner } from "./plan.js";

/** The pool that A's pool stage takes over, with A's registers for it; or undefined. */
export function poolTakenByLayer(p: Planner, a: Node): { pool: Node; layer: KpuLayer } | undefined {
  if (p.movedLayers.has(a.name)) return undefined;
  return fusablePool(p.program, a);
}
