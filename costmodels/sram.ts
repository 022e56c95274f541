import type { Graph, Node, ValueInfo } from "../src/ir/graph.js";
import { getOp } from "../src/ir/registry.js";
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
 * planStorage call and scratch sizes the C emitter uses, so the figure matches the generated
 * `ARENA_SIZE`) plus the input and output buffers the caller provides. Weights live in flash and
 * are not counted.
 */
export function sramPeak(graph: Graph): SramPeak {
  const plan = planStorage(graph, (node) => scratchBytesOf(graph, node));
  const ioBytes = [...graph.inputs, ...graph.outputs].reduce((s, v) => s + byteSize(v), 0);
  return { arenaBytes: plan.arena.size, ioBytes, total: plan.arena.size + ioBytes };
}

/** The registry's scratch size of a node, with its tensors typed from the graph. */
export function scratchBytesOf(graph: Graph, node: Node): number {
  const op = getOp(node.op);
  if (!op?.scratchBytes) return 0;
  const inputs = node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n)));
  // Unused outputs ("") have no type; kernels size scratch from used tensors only.
  const outputs = node.outputs.map((n): ValueInfo => graph.values.get(n) ?? { dtype: "float32", shape: [0] });
  return op.scratchBytes(node, inputs, outputs);
}
