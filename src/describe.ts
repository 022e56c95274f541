import type { Graph } from "./ir/graph.js";
import type { OpRegistry } from "./ir/registry.js";
import { tfliteQuantizationOf, type TensorQuantization } from "./importers/tflite/index.js";
import { compareStrings } from "./util/compare.js";

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
export function describeGraph(graph: Graph, registry: OpRegistry): ModelInfo {
  const ops: Record<string, number> = {};
  let macs = 0;
  for (const node of graph.nodes) {
    ops[node.op] = (ops[node.op] ?? 0) + 1;
    const op = registry.get(node.op);
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

