import type { Graph } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import { shapeToString } from "../ir/shape.js";

export interface ModelInfo {
  readonly name: string;
  readonly inputs: { name: string; shape: number[]; dtype: string }[];
  readonly outputs: { name: string; shape: number[]; dtype: string }[];
  /** Op type -> node count, sorted by op type. */
  readonly ops: Record<string, number>;
  readonly nodes: number;
  /** Elements in weights and other constants. */
  readonly params: number;
  readonly weightBytes: number;
  readonly macs: number;
}

/** What `egret info` reports: I/O, op counts, parameters and multiply-accumulates. */
export function describeGraph(graph: Graph): ModelInfo {
  const ops: Record<string, number> = {};
  let macs = 0;
  for (const node of graph.nodes) {
    ops[node.op] = (ops[node.op] ?? 0) + 1;
    const op = getOp(node.op);
    if (op?.macs) {
      const ins = node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n)));
      const outs = node.outputs.filter((n) => n !== "").map((n) => graph.values.get(n)!);
      macs += op.macs(node, ins, outs);
    }
  }
  const sorted = Object.fromEntries(Object.entries(ops).sort(([a], [b]) => a.localeCompare(b)));
  let params = 0;
  let weightBytes = 0;
  for (const t of graph.constants.values()) {
    params += t.size;
    weightBytes += t.byteLength;
  }
  const io = (v: { name: string; shape: readonly number[]; dtype: string }) => ({ name: v.name, shape: [...v.shape], dtype: v.dtype });
  return {
    name: graph.name,
    inputs: graph.inputs.map(io),
    outputs: graph.outputs.map(io),
    ops: sorted,
    nodes: graph.nodes.length,
    params,
    weightBytes,
    macs,
  };
}

export function formatInfo(info: ModelInfo): string {
  const lines = [`model: ${info.name}`, "inputs:"];
  for (const i of info.inputs) lines.push(`  ${i.name}: ${i.dtype}[${shapeToString(i.shape)}]`);
  lines.push("outputs:");
  for (const o of info.outputs) lines.push(`  ${o.name}: ${o.dtype}[${shapeToString(o.shape)}]`);
  lines.push(`nodes: ${info.nodes}`);
  for (const [op, n] of Object.entries(info.ops)) lines.push(`  ${op} x${n}`);
  lines.push(`params: ${info.params} (${info.weightBytes} bytes)`);
  lines.push(`MACs: ${info.macs}`);
  return lines.join("\n");
}
