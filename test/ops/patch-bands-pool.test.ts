import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildGraph, compile, runGraph, type Graph } from "../../src/index.js";
import { planPatch } from "../../src/ir/ops/quant/patch/plan.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { evaluateByBands, patchGraph } from "../support/patch-chains.js";
import { OPS } from "../support/toolchain.js";
import { chainArb, chainsGraph } from "../schedule/in-place-chains.js";

/**
 * Patch chains that end in a global pool (kernel = the whole input, one output pixel), as in
 * kws_ref_model: the bands run the layers before the pool and add their rows into per-channel
 * sums (average) or maxima, finished after the last band. On random int8 conv / depthwise / pool
 * stacks followed by a global average or max pool, the result equals the layer-by-layer
 * program's, band by band in TypeScript and in the generated C (ASan/UBSan).
 */
const WINDOW_KINDS = new Set(["conv", "depthwise", "avg", "max"]);

/** The chains of `chainsGraph`, each followed by a global pool (average for even chains, max for odd). */
function withGlobalPools(graph: Graph): Graph {
  const pools = graph.outputs.map((o, i) => {
    const [, h, w] = o.shape as [number, number, number, number];
    return { name: `${o.name.split("_")[0]}_pool`, op: i % 2 === 0 ? "QAveragePool2D" : "QMaxPool2D", inputs: [o.name], outputs: [`${o.name.split("_")[0]}_pool`], attrs: { kernel: [h, w], strides: [1, 1] } };
  });
  return buildGraph({
    name: "global_pool_chains",
    opset: 17,
    inputs: graph.inputs.map((v) => ({ name: v.name, dtype: "int8" as const, dims: [...v.shape] })),
    outputs: pools.map((p) => p.name),
    constants: new Map(graph.constants),
    nodes: [...graph.nodes.map((n) => ({ name: n.name, op: n.op, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } })), ...pools],
  });
}

describe("patch chains ending in a global pool", () => {
  it("accumulate band by band to the layer-by-layer result (TypeScript and C)", async () => {
    const chains = fc.sample(
      chainArb.map((c) => ({ ...c, h: c.h + 4, layers: c.layers.filter((l) => WINDOW_KINDS.has(l.kind)) })).filter((c) => c.layers.length >= 1),
      { numRuns: 6, seed: 2316 },
    );
    const base = chainsGraph(chains);
    const graph = withGlobalPools(base.graph);
    let patched = graph;
    const byChain = new Map<string, string[]>();
    for (const n of graph.nodes) byChain.set(n.name.split("_")[0]!, [...(byChain.get(n.name.split("_")[0]!) ?? []), n.name]);
    [...byChain.values()].forEach((names, k) => {
      const pooledRows = graph.values.get(names[names.length - 2]!)!.shape[1]!;
      if (pooledRows >= 2) patched = patchGraph(patched, names, 1 + (k % (pooledRows - 1)), k % 3 === 1);
    });
    const patches = patched.nodes.filter((n) => n.op === "QPatchBands");
    expect(patches.length).toBeGreaterThanOrEqual(4);
    const all = runGraph({ ...graph, outputs: graph.nodes.map((n) => ({ name: n.outputs[0]!, ...graph.values.get(n.outputs[0]!)! })) }, base.feeds);
    const values = new Map(graph.nodes.map((n, i) => [n.outputs[0]!, all[i]!]));
    graph.inputs.forEach((v, i) => values.set(v.name, base.feeds[i]!));
    for (const [name, t] of graph.constants) values.set(name, t);
    for (const p of patches) {
      expect(planPatch(p, p.inputs.map((n) => graph.values.get(n)), OPS).pool, `${p.name} pools globally`).toBeDefined();
      const banded = evaluateByBands(p, p.inputs.map((n) => values.get(n)));
      expect(Array.from(banded.bytes()), `${p.name} band by band`).toEqual(Array.from(values.get(p.outputs[0]!)!.bytes()));
    }
    const a = compile(patched, { optimize: false });
    const b = compile(graph, { optimize: false });
    const [got, want] = await Promise.all([
      buildAndRunAsync(a.files, graph.outputs, base.feeds, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(b.files, graph.outputs, base.feeds, { cflags: "-O2 -std=c99 -Wall -Wextra -Werror" }),
    ]);
    got.forEach((t, i) => expect(Array.from(t.bytes()), `output ${graph.outputs[i]!.name}`).toEqual(Array.from(want[i]!.bytes())));
    console.log(`${patches.length} pooled patch chains: arena ${a.summary.arenaBytes} B patched vs ${b.summary.arenaBytes} B layer by layer`);
  });
});
