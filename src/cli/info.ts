import type { Graph } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import { tfliteQuantizationOf, type TensorQuantization } from "../importers/tflite/index.js";
import { shapeToString } from "../ir/shape.js";
import { compareStrings } from "../util/compare.js";

/** One graph input or output; `quantization` for quantized TFLite tensors. */
export interface IoInfo {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: TensorQuantization;
}

export interface ModelInfo {
  readonly name: string;
  readonly inputs: IoInfo[];
  readonly outputs: IoInfo[];
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
  const sorted = Object.fromEntries(Object.entries(ops).sort(([a], [b]) => compareStrings(a, b)));
  let params = 0;
  let weightBytes = 0;
  for (const t of graph.constants.values()) {
    params += t.size;
    weightBytes += t.byteLength;
  }
  const quantization = tfliteQuantizationOf(graph);
  const io = (v: { name: string; shape: readonly number[]; dtype: string }): IoInfo => {
    const q = quantization?.get(v.name);
    return { name: v.name, shape: [...v.shape], dtype: v.dtype, ...(q ? { quantization: q } : {}) };
  };
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
  for (const i of info.inputs) lines.push(`  ${i.name}: ${i.dtype}[${shapeToString(i.shape)}]${formatQuantization(i.quantization)}`);
  lines.push("outputs:");
  for (const o of info.outputs) lines.push(`  ${o.name}: ${o.dtype}[${shapeToString(o.shape)}]${formatQuantization(o.quantization)}`);
  lines.push(`nodes: ${info.nodes}`);
  for (const [op, n] of Object.entries(info.ops)) lines.push(`  ${op} x${n}`);
  lines.push(`params: ${info.params} (${info.weightBytes} bytes)`);
  lines.push(`MACs: ${info.macs}`);
  return lines.join("\n");
}

/** ` scale=0.5 zero_point=-128` (per-axis: lists and the axis); "" for float tensors. */
function formatQuantization(q: TensorQuantization | undefined): string {
  if (!q) return "";
  if (q.scale.length === 1) return ` scale=${q.scale[0]} zero_point=${q.zeroPoint[0] ?? 0}`;
  return ` scale=[${q.scale.join(",")}] zero_point=[${q.zeroPoint.join(",")}] axis=${q.axis}`;
}
