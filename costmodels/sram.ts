import type { Graph } from "../src/ir/graph.js";
import type { OpRegistry } from "../src/ir/registry.js";
import { byteSize, planStorage } from "../src/schedule/storage.js";

export interface SramPeak {
  /** The planned arena (intermediates and kernel scratch), as the emitted C declares it. */
  readonly arenaBytes: number;
  /** The caller's input and output buffers. */
  readonly ioBytes: number;
  readonly total: number;
}

/**
 * SRAM a candidate program needs at its peak: the arena the scheduler plans for it (the same
 * planStorage call the C emitter makes, so the figure matches the generated `ARENA_SIZE`) plus
 * the input and output buffers the caller provides. Weights live in flash and are not counted.
 */
export function sramPeak(graph: Graph, ops: OpRegistry): SramPeak {
  const plan = planStorage(graph, ops);
  const ioBytes = [...graph.inputs, ...graph.outputs].reduce((s, v) => s + byteSize(v), 0);
  return { arenaBytes: plan.arena.size, ioBytes, total: plan.arena.size + ioBytes };
}
