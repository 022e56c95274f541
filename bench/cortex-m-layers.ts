/**
 * bench:cortex-m's per-layer efficiency table: MACs per executed instruction of every kernel call
 * with at least LARGE_LAYER_MACS MACs (issue 15's bar: >= 0.6 for each, whatever its shape).
 */
import { nodeTypes } from "../costmodels/index.js";
import { OPS } from "../src/index.js";
import type { Graph } from "../src/ir/graph.js";
import type { OpMeasurement } from "../src/pipeline/target.js";

export const LARGE_LAYER_MACS = 32 * 1024;

export interface LayerEfficiency {
  readonly model: string;
  readonly node: string;
  readonly op: string;
  readonly macs: number;
  readonly instructions: number;
}

/** The calls of `ops` (one measured program) with at least LARGE_LAYER_MACS MACs. */
export function largeLayers(model: string, program: Graph, ops: readonly OpMeasurement[]): LayerEfficiency[] {
  const rows: LayerEfficiency[] = [];
  for (const { node, instructions } of ops) {
    const { inputs, outputs } = nodeTypes(program, node);
    const macs = OPS.get(node.op)?.macs?.(node, inputs, outputs) ?? 0;
    if (macs >= LARGE_LAYER_MACS) rows.push({ model, node: node.name, op: node.op, macs, instructions });
  }
  return rows;
}

/** Header and cells of the table, and the count of layers under 0.6 MACs per instruction. */
export function largeLayerTable(rows: readonly LayerEfficiency[]): { header: string[]; cells: string[][]; below: number } {
  const cells = rows.map((r) => [r.model, r.op, r.node.slice(0, 48), String(r.macs), Math.round(r.instructions).toString(), (r.macs / r.instructions).toFixed(3)]);
  return { header: ["model", "op", "node", "MACs", "instructions", "MACs/insn"], cells, below: rows.filter((r) => r.macs / r.instructions < 0.6).length };
}
