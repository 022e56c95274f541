import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { planStorage, type StoragePlan } from "../../src/schedule/storage.js";
import { buildAndRun } from "../support/c-run.js";
import { OPS } from "../support/toolchain.js";
import { overwrittenReads } from "../support/plan-replay.js";
import { chainArb, chainsGraph } from "./in-place-chains.js";

/**
 * In-place execution on random int8 conv / depthwise / pool / residual-add stacks: the program
 * whose outputs overwrite their inputs computes the same bytes as the plain program (generated C,
 * and the interpreter), and a byte-level replay of the kernels over the planned arena
 * (test/support/plan-replay.ts, which knows nothing of lags or pairs) finds no live value
 * overwritten.
 */

const BATCHES = 3;
const CHAINS_PER_BATCH = 10;

describe("in-place programs on random layer stacks", () => {
  for (let batch = 0; batch < BATCHES; batch++) {
    it(`batch ${batch}: the plan overwrites no live value and the C is bit-exact with the plain program`, () => {
      const chains = fc.sample(chainArb, { numRuns: CHAINS_PER_BATCH, seed: 1600 + batch });
      const { graph, feeds } = chainsGraph(chains);
      const inPlace = planStorage(graph, OPS);
      const plain = planStorage(graph, OPS, { inPlace: false });
      expect(inPlace.inPlace.length, "in-place pairs used").toBeGreaterThan(0);
      expect(inPlace.arena.size).toBeLessThan(plain.arena.size);
      expect(inPlace.arena.size).toBeGreaterThanOrEqual(inPlace.scheduleBound);
      expect(overwrittenReads(graph, inPlace)).toEqual([]);
      expect(overwrittenReads(graph, plain)).toEqual([]);
      console.log(`batch ${batch}: ${graph.nodes.length} nodes, arena ${inPlace.arena.size} B in place vs ${plain.arena.size} B plain (layer-wise bound ${plain.arena.lowerBound}, schedule bound ${inPlace.scheduleBound}), ${inPlace.inPlace.length} in-place pairs`);

      const a = compile(graph, { optimize: false });
      const b = compile(graph, { optimize: false, inPlace: false });
      expect(a.summary.arenaBytes).toBe(inPlace.arena.size);
      expect(a.summary.inPlaceNodes).toBeGreaterThan(0);
      expect(b.summary.inPlaceNodes).toBe(0);
      const got = buildAndRun(a.files, graph.outputs, feeds, { cflags: "-O2 -std=c99 -Wall -Wextra -Werror" });
      const want = buildAndRun(b.files, graph.outputs, feeds, { cflags: "-O2 -std=c99 -Wall -Wextra -Werror" });
      const interp = runGraph(graph, feeds);
      got.forEach((t, i) => {
        expect(Array.from(t.bytes()), `output ${graph.outputs[i]!.name}`).toEqual(Array.from(want[i]!.bytes()));
        expect(Array.from(t.bytes()), `output ${graph.outputs[i]!.name} vs interpreter`).toEqual(Array.from(interp[i]!.bytes()));
      });
    });
  }

  it("the replay catches an output moved onto its input against the lag", () => {
    const chains = fc.sample(chainArb, { numRuns: CHAINS_PER_BATCH, seed: 1600 });
    const { graph } = chainsGraph(chains);
    const plan = planStorage(graph, OPS);
    // A pair with a positive lag placed with the output at the input's own offset: the kernel's
    // writes then run ahead of its read front.
    const pair = plan.inPlace.find((p) => p.lag > 0);
    expect(pair).toBeDefined();
    const storage = new Map(plan.storage);
    storage.set(pair!.output, plan.storage.get(pair!.input)!);
    const broken: StoragePlan = { ...plan, storage };
    expect(overwrittenReads(graph, broken).length).toBeGreaterThan(0);
  });
});
