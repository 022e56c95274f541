import { alignUp } from "../schedule/arena.js";
import { ARENA_ALIGNMENT, type StoragePlan } from "../schedule/storage.js";
import type { MemoryView, ReportBuffer } from "./types.js";

/**
 * The arena over time from the storage plan: every buffer with its offset and lifetime, the bytes
 * live at each step (whose maximum is the layer-wise lower bound) and the peak, the step at which
 * the placed buffers reach highest. Invariant (checked by the planner's verifyPlan): every buffer
 * lies inside the arena, so `peakBytes` equals the arena size whenever any buffer is placed.
 */
export function describeMemory(plan: StoragePlan, steps: number, stateBytes: number, stackBytes?: number): MemoryView {
  const buffers: ReportBuffer[] = plan.requests
    .filter((r) => r.bytes > 0)
    .map((r) => ({
      id: r.id,
      kind: r.id.startsWith("scratch:") ? "scratch" : "tensor",
      offset: plan.arena.offsets.get(r.id) ?? 0,
      bytes: r.bytes,
      first: r.first,
      last: r.last,
    }));
  const liveBytes = Array.from({ length: steps }, () => 0);
  const top = Array.from({ length: steps }, () => 0);
  for (const b of buffers) {
    for (let s = b.first; s <= b.last && s < steps; s++) {
      liveBytes[s]! += b.bytes;
      top[s] = Math.max(top[s]!, alignUp(b.offset + b.bytes, ARENA_ALIGNMENT));
    }
  }
  let peakStep = 0;
  top.forEach((t, s) => {
    if (t > top[peakStep]!) peakStep = s;
  });
  return {
    steps,
    buffers,
    liveBytes,
    arenaBytes: plan.arena.size,
    lowerBound: plan.arena.lowerBound,
    peakStep,
    peakBytes: top[peakStep] ?? 0,
    alignment: ARENA_ALIGNMENT,
    stateBytes,
    ...(stackBytes === undefined ? {} : { stackBytes }),
  };
}

const CTYPE_BYTES: Readonly<Record<string, number>> = { int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, uint32_t: 4, float: 4, int64_t: 8, double: 8 };

/**
 * Bytes of persistent state in the generated model.c: the file-scope `static <ctype> state_*[N];`
 * arrays that `persistentState` (src/ir/ops/quant/state.ts) declares for recurrent ops.
 */
export function stateBytesOf(modelC: string): number {
  let total = 0;
  for (const m of modelC.matchAll(/^static (\w+) state_\w+\[(\d+)\];$/gm)) total += (CTYPE_BYTES[m[1]!] ?? 0) * Number(m[2]);
  return total;
}
