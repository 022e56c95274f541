import { describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { chainsGraph, type LayerSpec } from "../schedule/in-place-chains.js";

/**
 * The optimizer offers patch-based execution beside the layer-by-layer program, on a constructed
 * int8 network with person_detect's first stages (96x96x1 -> 3x3/2 conv to 48x48x8, 3x3
 * depthwise, 1x1 to 48x48x16 = 36,864 B, 3x3/2 depthwise to 24x24x16, 1x1 to 24x24x32, 2x2
 * average pool): without a budget the plain program is kept; under a budget below its arena
 * the chosen program holds a QPatchBands node, fits, and its C is bit-exact with the interpreter.
 */
const layer = (kind: LayerSpec["kind"], k: number, stride: number, channels: number, seed: number): LayerSpec => ({ kind, k, stride, pad: k > 1, channels, seed });
const NETWORK = chainsGraph([
  {
    h: 96, w: 96, c: 1,
    layers: [layer("conv", 3, 2, 8, 11), layer("depthwise", 3, 1, 2, 12), layer("conv", 1, 1, 16, 13), layer("depthwise", 3, 2, 2, 14), layer("conv", 1, 1, 32, 15), layer("avg", 2, 2, 1, 16)],
  },
]);

describe("patch-based execution offered by the optimizer", () => {
  it("is not chosen without an SRAM budget", () => {
    const plain = compile(NETWORK.graph);
    expect(plain.graph.nodes.some((n) => n.op === "QPatchBands")).toBe(false);
    expect(plain.summary.arenaBytes).toBeGreaterThan(36_864);
  });

  it("is chosen under a budget the plain program misses, fits it, and computes the same bytes", async () => {
    const plain = compile(NETWORK.graph);
    const budget = 27_648;
    const patched = compile(NETWORK.graph, { sramBudget: budget });
    const used = patched.summary.optimizer?.extraction.used ?? "";
    console.log(`constructed person_detect stem: arena ${plain.summary.arenaBytes} B layer by layer, ${patched.summary.arenaBytes} B at --sram-budget ${budget} (${used})`);
    expect(patched.graph.nodes.some((n) => n.op === "QPatchBands")).toBe(true);
    expect(used).toMatch(/^patch\(/);
    expect(patched.summary.arenaBytes).toBeLessThanOrEqual(budget);
    const [got] = await buildAndRunAsync(patched.files, NETWORK.graph.outputs, NETWORK.feeds, { cflags: SANITIZE_CFLAGS });
    const [want] = runGraph(NETWORK.graph, NETWORK.feeds);
    expect(Array.from(got!.bytes())).toEqual(Array.from(want!.bytes()));
  });
});
