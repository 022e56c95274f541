import type { Graph, Node } from "../../src/ir/graph.js";
import { Tensor } from "../../src/ir/tensor.js";
import { encodeStages, layerOp, stageAttrs } from "../../src/ir/ops/quant/patch/stages.js";
import { planPatch } from "../../src/ir/ops/quant/patch/plan.js";
import { OPS } from "./toolchain.js";

/**
 * Test helpers for QPatchBands: replacing a run of layers of a graph by one patch node, and a
 * band-by-band evaluation in TypeScript that does what the emitted C does (each layer's own
 * evaluator on the rows of its band, the last layer's rows written into the output), so the band
 * geometry is checked without a C compiler.
 */

/** The graph with the consecutive nodes `names` (a chain, first to last) replaced by one QPatchBands node (halo rows cached or recomputed). */
export function patchGraph(graph: Graph, names: readonly string[], bandRows: number, cacheHalo = false): Graph {
  const chain = names.map((n) => graph.nodes.find((node) => node.name === n)!);
  const stages = chain.map((n) => ({ op: n.op, attrs: stageAttrs(n)!, extraInputs: n.inputs.length - 1 }));
  const last = chain[chain.length - 1]!;
  const patch: Node = {
    name: `patch_${last.name}`,
    op: "QPatchBands",
    inputs: [chain[0]!.inputs[0]!, ...chain.flatMap((n) => n.inputs.slice(1))],
    outputs: [last.outputs[0]!],
    attrs: { stages: encodeStages(stages), band_rows: bandRows, ...(cacheHalo ? { halo: "cache" } : {}) },
  };
  const at = graph.nodes.indexOf(chain[0]!);
  const nodes = graph.nodes.filter((n) => !names.includes(n.name));
  nodes.splice(at, 0, patch);
  return { ...graph, nodes };
}

type Rows = Map<number, Tensor["data"]>;

/** The rows of an NHWC batch-1 tensor by index. */
function splitRows(t: Tensor, first: number): Rows {
  const [, h, w, c] = t.shape as [number, number, number, number];
  const rows: Rows = new Map();
  for (let r = 0; r < h; r++) rows.set(first + r, t.data.slice(r * w * c, (r + 1) * w * c) as Tensor["data"]);
  return rows;
}

/** Rows [start, end) as a tensor; throws when one is not held (a band read a row it does not have). */
function joinRows(rows: Rows, start: number, end: number, like: { dtype: Tensor["dtype"]; shape: readonly number[] }, what: string): Tensor {
  const [, , w, c] = like.shape as [number, number, number, number];
  const out = new Tensor(like.dtype, [1, end - start, w, c]);
  for (let r = start; r < end; r++) {
    const row = rows.get(r);
    if (row === undefined) throw new Error(`${what}: row ${r} is not held`);
    (out.data as Int8Array).set(row as Int8Array, (r - start) * w * c);
  }
  return out;
}

/**
 * A QPatchBands node evaluated band by band as its C runs (not through `evaluate`): each layer's
 * buffer is modelled as the set of rows it holds; a band keeps the held rows it still needs (halo
 * caching) or none, computes its rows with the layer's own evaluator from rows the previous
 * layer holds (reading any other row fails), and the last layer's rows go to the output (or,
 * with a global pool last, to its input, pooled once at the end).
 */
export function evaluateByBands(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor {
  const plan = planPatch(node, inputs.map((t) => (t === undefined ? undefined : { dtype: t.dtype, shape: t.shape })), OPS);
  const values = new Map<string, Tensor | undefined>(node.inputs.map((name, i) => [name, inputs[i]]));
  const layers = plan.bands[0]!.length;
  const held: Rows[] = Array.from({ length: layers }, () => new Map());
  const input = splitRows(inputs[0]!, 0);
  const result: Rows = new Map();
  for (const band of plan.bands) {
    band.forEach((layer, i) => {
      for (const r of [...held[i]!.keys()]) if (r < layer.held.start || r >= layer.held.end) held[i]!.delete(r);
      if (layer.call === undefined) return;
      const x = joinRows(i === 0 ? input : held[i - 1]!, layer.rows.inStart, layer.rows.inEnd, plan.types[i]!, `${node.name} layer ${i}`);
      const extras = layer.call.node.inputs.slice(1).map((n) => (n === "" ? undefined : values.get(n)));
      const [y] = layerOp(OPS, layer.call.node).evaluate(layer.call.node, [x, ...extras]) as [Tensor];
      for (const [r, row] of splitRows(y, layer.rows.outStart)) held[i]!.set(r, row);
    });
    const last = band[layers - 1]!;
    for (let r = last.held.start; r < last.held.end; r++) result.set(r, held[layers - 1]!.get(r)!);
  }
  const outType = plan.types[layers]!;
  const out = joinRows(result, 0, outType.shape[1]!, outType, `${node.name} output`);
  const pool = plan.pool === undefined ? undefined : plan.stages[plan.stages.length - 1]!;
  return pool === undefined ? out : layerOp(OPS, pool).evaluate(pool, [out])[0]!;
}
