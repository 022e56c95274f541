import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { cachedBands, chainBand } from "../../src/ir/ops/quant/patch/band-geometry.js";
import { planPatch } from "../../src/ir/ops/quant/patch/plan.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import type { Tensor } from "../../src/ir/tensor.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { evaluateByBands, patchGraph } from "../support/patch-chains.js";
import { OPS } from "../support/toolchain.js";
import { chainArb, chainsGraph, type ChainSpec } from "../schedule/in-place-chains.js";

/**
 * Patch-based execution (QPatchBands) on random int8 conv / depthwise / pool stacks: every chain
 * run band by band computes exactly the bytes of the layer-by-layer program, in TypeScript
 * (each layer's evaluator on its band's rows) and in the generated C (under ASan/UBSan), with
 * halo rows recomputed (even chains) or kept from band to band (odd chains).
 */

const WINDOW_KINDS = new Set(["conv", "depthwise", "avg", "max"]);
const windowChainArb: fc.Arbitrary<ChainSpec> = chainArb
  .map((c) => ({ ...c, h: c.h + 4, layers: c.layers.filter((l) => WINDOW_KINDS.has(l.kind)) }))
  .filter((c) => c.layers.length >= 2);

/** Each chain of `graph` (nodes named c<i>_l<j>_...) replaced by a patch node, when its output has at least 2 rows. */
function patchEveryChain(graph: Graph, bandSeed: number): { patched: Graph; patches: Node[] } {
  let patched = graph;
  const byChain = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const chain = n.name.split("_")[0]!;
    byChain.set(chain, [...(byChain.get(chain) ?? []), n.name]);
  }
  [...byChain.values()].forEach((names, k) => {
    const outRows = graph.values.get(names[names.length - 1]!)!.shape[1]!;
    if (names.length < 2 || outRows < 2) return;
    patched = patchGraph(patched, names, 1 + ((bandSeed + names.length) % (outRows - 1)), k % 2 === 1);
  });
  return { patched, patches: patched.nodes.filter((n) => n.op === "QPatchBands") };
}

describe("band geometry", () => {
  it("gives each layer the rows its band reads, real padding only at the tensor's edges", () => {
    // 3x3 stride 1 pad 1 on 6 rows, then 3x3 stride 2 pad 1 (6 -> 3 rows).
    const layers = [
      { kernel: 3, stride: 1, dilation: 1, padTop: 1, inHeight: 6, outHeight: 6 },
      { kernel: 3, stride: 2, dilation: 1, padTop: 1, inHeight: 6, outHeight: 3 },
    ];
    expect(chainBand(layers, 0, 1)).toEqual([
      { inStart: 0, inEnd: 3, outStart: 0, outEnd: 2, padTop: 1, padBottom: 0 },
      { inStart: 0, inEnd: 2, outStart: 0, outEnd: 1, padTop: 1, padBottom: 0 },
    ]);
    expect(chainBand(layers, 2, 3)).toEqual([
      { inStart: 2, inEnd: 6, outStart: 3, outEnd: 6, padTop: 0, padBottom: 1 },
      { inStart: 3, inEnd: 6, outStart: 2, outEnd: 3, padTop: 0, padBottom: 0 },
    ]);
  });
});

describe("halo caching", () => {
  it("computes every row once and holds about one kernel window per layer (kws_ref_model's stack)", () => {
    const dw = { kernel: 3, stride: 1, dilation: 1, padTop: 1, inHeight: 25, outHeight: 25 };
    const pw = { kernel: 1, stride: 1, dilation: 1, padTop: 0, inHeight: 25, outHeight: 25 };
    const first = { kernel: 10, stride: 2, dilation: 1, padTop: 4, inHeight: 49, outHeight: 25 };
    const layers = [first, dw, pw, dw, pw, dw, pw, dw, pw];
    const steps = cachedBands(layers, 1);
    const computed = layers.map((_, i) => steps.reduce((sum, step) => sum + (step[i]!.compute === undefined ? 0 : step[i]!.compute!.outEnd - step[i]!.compute!.outStart), 0));
    expect(computed).toEqual(layers.map(() => 25));
    const held = layers.map((_, i) => Math.max(...steps.map((step) => step[i]!.held.end - step[i]!.held.start)));
    // A layer read by a 3x3 depthwise holds 3 rows, one read by a 1x1 convolution 1.
    expect(held).toEqual([3, 1, 3, 1, 3, 1, 3, 1, 1]);
  });
});

describe("patch-based programs on random layer stacks", () => {
  for (let batch = 0; batch < 2; batch++) {
    it(`batch ${batch}: band by band equals the layer-by-layer program (TypeScript and C)`, async () => {
      const chains = fc.sample(windowChainArb, { numRuns: 8, seed: 2300 + batch });
      const { graph, feeds } = chainsGraph(chains);
      const { patched, patches } = patchEveryChain(graph, batch);
      expect(patches.length).toBeGreaterThan(3);
      const values = new Map<string, Tensor>(graph.inputs.map((v, i) => [v.name, feeds[i]!]));
      for (const [name, t] of graph.constants) values.set(name, t);
      const plain = runGraph({ ...graph, outputs: graph.nodes.map((n) => ({ name: n.outputs[0]!, ...graph.values.get(n.outputs[0]!)! })) }, feeds);
      graph.nodes.forEach((n, i) => values.set(n.outputs[0]!, plain[i]!));
      let bands = 0;
      let keptRows = 0;
      for (const p of patches) {
        const banded = evaluateByBands(p, p.inputs.map((n) => values.get(n)));
        expect(Array.from(banded.bytes()), `${p.name} band by band`).toEqual(Array.from(values.get(p.outputs[0]!)!.bytes()));
        const plan = planPatch(p, p.inputs.map((n) => graph.values.get(n)), OPS);
        bands += plan.bands.length;
        for (const band of plan.bands) for (const l of band) keptRows += l.kept?.rows ?? 0;
      }
      expect(keptRows, "halo rows kept by the caching chains").toBeGreaterThan(0);
      const a = compile(patched, { optimize: false });
      const b = compile(graph, { optimize: false });
      const [got, want] = await Promise.all([
        buildAndRunAsync(a.files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS }),
        buildAndRunAsync(b.files, graph.outputs, feeds, { cflags: "-O2 -std=c99 -Wall -Wextra -Werror" }),
      ]);
      got.forEach((t, i) => expect(Array.from(t.bytes()), `output ${graph.outputs[i]!.name}`).toEqual(Array.from(want[i]!.bytes())));
      console.log(`batch ${batch}: ${patches.length} patch chains, ${bands} bands, ${keptRows} halo rows kept, arena ${a.summary.arenaBytes} B patched vs ${b.summary.arenaBytes} B layer by layer`);
    });
  }
});
