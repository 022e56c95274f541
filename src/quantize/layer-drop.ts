import type { Graph } from "../ir/graph.js";
import type { LayerError } from "./layer-compare.js";

/** The layer that loses the most SQNR between its inputs and its output. */
export interface LayerDrop {
  readonly tensor: string;
  /** Lowest SQNR among the node's compared inputs, and its output's SQNR (dB). */
  readonly fromDb: number;
  readonly toDb: number;
}

/**
 * Where SQNR drops most: for each node whose output was compared, its inputs' lowest finite SQNR
 * minus its output's. Nodes whose inputs are all exact or not compared (constants, the first
 * quantization of exact integer inputs) have no reference and are skipped.
 */
export function largestDrop(program: Graph, layers: readonly LayerError[]): LayerDrop | undefined {
  const sqnr = new Map(layers.map((l) => [l.tensor, l.sqnrDb]));
  let best: LayerDrop | undefined;
  for (const node of program.nodes) {
    const out = sqnr.get(node.outputs[0] ?? "");
    if (out === undefined) continue;
    const inputs = node.inputs.map((i) => sqnr.get(i)).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (inputs.length === 0) continue;
    const from = Math.min(...inputs);
    if (!best || from - out > best.fromDb - best.toDb) best = { tensor: node.outputs[0]!, fromDb: from, toDb: out };
  }
  return best;
}
