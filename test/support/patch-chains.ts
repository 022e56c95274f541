import type { Graph, Node } from "../../src/ir/graph.js";
import { getOp } from "../../src/ir/registry.js";
import { Tensor } from "../../src/ir/tensor.js";
import { encodeStages, stageAttrs } from "../../src/ir/ops/quant/patch/stages.js";
import { planPatch } from "../../src/ir/ops/quant/patch/plan.js";

/**
 * Test helpers for QPatchBands: replacing a run of layers of a graph by one patch node, and a
 * band-by-band evaluation in TypeScript that does what the emitted C does (each layer's own
 * evaluator on the rows of its band, the last layer's rows written into the output), so the band
 * geometry is checked without a C compiler.
 */

/** The graph with the consecutive nodes `names` (a chain, first to last) replaced by one QPatchBands node. */
export function patchGraph(graph: Graph, names: readonly string[], bandRows: number): Graph {
  const chain = names.map((n) => graph.nodes.find((node) => node.name === n)!);
  const stages = chain.map((n) => ({ op: n.op, attrs: stageAttrs(n)!, extraInputs: n.inputs.length - 1 }));
  const last = chain[chain.length - 1]!;
  const patch: Node = {
    name: `patch_${last.name}`,
    op: "QPatchBands",
    inputs: [chain[0]!.inputs[0]!, ...chain.flatMap((n) => n.inputs.slice(1))],
    outputs: [last.outputs[0]!],
    attrs: { stages: encodeStages(stages), band_rows: bandRows },
  };
  const at = graph.nodes.indexOf(chain[0]!);
  const nodes = graph.nodes.filter((n) => !names.includes(n.name));
  nodes.splice(at, 0, patch);
  return { ...graph, nodes };
}

/** Rows [start, end) of an NHWC batch-1 tensor. */
function rows(t: Tensor, start: number, end: number): Tensor {
  const [, , w, c] = t.shape as [number, number, number, number];
  const row = w * c;
  return new Tensor(t.dtype, [1, end - start, w, c], t.data.slice(start * row, end * row) as Tensor["data"]);
}

/** A QPatchBands node evaluated band by band, as its C runs (not through `evaluate`). */
export function evaluateByBands(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor {
  const plan = planPatch(node, inputs.map((t) => (t === undefined ? undefined : { dtype: t.dtype, shape: t.shape })));
  const values = new Map<string, Tensor | undefined>(node.inputs.map((name, i) => [name, inputs[i]]));
  // With a global pool last, the bands produce its input, pooled once at the end.
  const outType = plan.types[plan.bands[0]!.length]!;
  const rowElements = outType.shape[2]! * outType.shape[3]!;
  const out = new Tensor(outType.dtype, outType.shape);
  for (const band of plan.bands) {
    let x = rows(inputs[0]!, band[0]!.rows.inStart, band[0]!.rows.inEnd);
    for (const layer of band) {
      const extras = layer.node.inputs.slice(1).map((n) => (n === "" ? undefined : values.get(n)));
      [x] = getOp(layer.node.op)!.evaluate(layer.node, [x, ...extras]) as [Tensor];
    }
    const start = band[band.length - 1]!.rows.outStart * rowElements;
    (out.data as Int8Array).set(x.data as Int8Array, start);
  }
  const pool = plan.pool === undefined ? undefined : plan.stages[plan.stages.length - 1]!;
  return pool === undefined ? out : getOp(pool.op)!.evaluate(pool, [out])[0]!;
}
