import { fusedActivation, nodeTypes, type CostModel } from "../../costmodels/index.js";
import type { Graph } from "../ir/graph.js";
import { DTYPES, type DType } from "../ir/dtype.js";
import type { Attrs } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { isAliasNode } from "../schedule/storage.js";
import type { ProgramView, ReportEdge, ReportNode } from "./types.js";

/**
 * A program as the report's graph: one node per IR node in run order, an edge per tensor from its
 * producer to each consumer, and per node the figures the compiler already knows (shape, dtype,
 * MACs from the op registry, weight bytes, the cost model's cycles). `measured` maps node names to
 * measured instructions (a `bench --per-op` profile of this program).
 */
export function describeProgram(title: string, graph: Graph, model: CostModel, ops: OpRegistry, measured?: ReadonlyMap<string, number>): ProgramView {
  const producer = new Map<string, number>();
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const nodes: ReportNode[] = graph.nodes.map((node, index) => {
    for (const out of node.outputs) if (out !== "") producer.set(out, index);
    const { inputs, outputs: outs } = nodeTypes(graph, node);
    const first = outs[0];
    const weightBytes = node.inputs.reduce((sum, name) => sum + (graph.constants.get(name)?.byteLength ?? 0), 0);
    const fused = fusedActivation(node) ?? (first === undefined ? undefined : fusedClamp(node.attrs, first.dtype));
    const m = measured?.get(node.name);
    return {
      index,
      name: node.name,
      op: node.op,
      shape: first === undefined ? [] : [...first.shape],
      dtype: first?.dtype ?? "",
      macs: ops.get(node.op)?.macs?.(node, inputs, outs) ?? 0,
      weightBytes,
      predictedCycles: model.nodeCost(node, inputs, outs, ops)["cycles"] ?? 0,
      alias: isAliasNode(node, outputs, ops),
      ...(fused === undefined ? {} : { fused }),
      ...(m === undefined ? {} : { measuredInstructions: m }),
    };
  });
  const edges: ReportEdge[] = [];
  graph.nodes.forEach((node, to) => {
    for (const tensor of new Set(node.inputs)) {
      const from = producer.get(tensor);
      if (from !== undefined) edges.push({ from, to, tensor });
    }
  });
  return {
    title,
    nodes,
    edges,
    totalMacs: nodes.reduce((s, n) => s + n.macs, 0),
    totalPredictedCycles: nodes.reduce((s, n) => s + n.predictedCycles, 0),
  };
}

/**
 * An integer op's fused activation: TFLite and Egret's quantizer fold Relu/Relu6 into the kernel as
 * an output clamp (`act_min`/`act_max`) narrower than the dtype's range.
 */
function fusedClamp(attrs: Attrs, dtype: DType): string | undefined {
  const lo = attrs["act_min"];
  const hi = attrs["act_max"];
  if (typeof lo !== "number" || typeof hi !== "number") return undefined;
  return lo > DTYPES[dtype].min || hi < DTYPES[dtype].max ? "clamp" : undefined;
}
