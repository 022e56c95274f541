/**
 * KPU layers chained in KPU RAM in the C program (backends/k210/kpu-chain.ts, ops/kpu-conv2d-chain.ts):
 * a run of KpuConv2D layers whose maps only the next layer reads, with equal quantisation, becomes
 * one KpuConv2DChain; the C runs it without dequantising between layers. It is bit-exact with the
 * layers run one by one (TS simulator and C), takes less arena, and leaves the kmodel unchanged.
 */
import { describe, expect, it } from "vitest";
import { chainRegions, expandKpuChains } from "../../backends/k210/kpu-chain.js";
import { KPU_RAM_LINES, mapLines } from "../../backends/k210/kpu-ram.js";
import { writeKmodel } from "../../backends/k210/kmodel/writer.js";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { expandKpuChain, KPU_CONV2D_CHAIN } from "../../backends/k210/ops/kpu-conv2d-chain.js";
import { kpuLayerOf } from "../../backends/k210/ops/kpu-conv2d.js";
import { K210_EMIT_OPTIONS } from "../../backends/k210/target.js";
import { emitModel } from "../../src/emit/emit-model.js";
import { buildGraph, runGraph, type Graph, type Tensor } from "../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { OPS } from "../support/toolchain.js";
import { k210Files, lowerK210, stridedChainGraph } from "./k210-support.js";

/** x → 3×3 conv (Relu) → 1×1 conv (Relu) → 3×3 conv; with `fanOut`, a Relu also reads the 1×1 conv's output. */
function graphOf(fanOut: boolean): Graph {
  return buildGraph({
    name: "chain",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 3, 16, 16] }],
    outputs: fanOut ? ["y3", "r"] : ["y3"],
    constants: new Map([
      ["w1", randomTensor([8, 3, 3, 3], 21, -0.5, 0.5)],
      ["b1", randomTensor([8], 22, -0.1, 0.1)],
      ["w2", randomTensor([8, 8, 1, 1], 23, -0.5, 0.5)],
      ["w3", randomTensor([4, 8, 3, 3], 24, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "c1", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1", "b1"], outputs: ["y1"], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } },
      { name: "c2", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "w2"], outputs: ["y2"], attrs: { activation: "Relu" } },
      { name: "c3", op: KPU_CONV2D_CANDIDATE, inputs: ["y2", "w3"], outputs: ["y3"], attrs: { pads: [1, 1, 1, 1] } },
      ...(fanOut ? [{ name: "relu", op: "Relu", inputs: ["y2"], outputs: ["r"], attrs: {} }] : []),
    ],
  });
}

const calibration = [31, 32, 33].map((s) => [randomTensor([1, 3, 16, 16], s, 0, 1)]);
const input = [randomTensor([1, 3, 16, 16], 34, -0.1, 1.1)];
const bytesOf = (ts: readonly Tensor[]) => ts.map((t) => Buffer.from(t.bytes()).toString("hex"));
const arenaOf = (program: Graph) => emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS }).plan.arena.size;

describe("k210: KPU layers chained in KPU RAM (C program)", () => {
  it("three layers in a row become one chain: bit-exact with the layers one by one (TS and C under ASan/UBSan), less arena, the same kmodel", async () => {
    const graph = graphOf(false);
    const chained = lowerK210(graph, calibration).program;
    expect(chained.nodes.map((n) => n.op)).toEqual([KPU_CONV2D_CHAIN]);
    const unchained = expandKpuChains(chained);
    expect(unchained.nodes.map((n) => n.name)).toEqual(["c1", "c2", "c3"]);

    // Placement: layer i reads region (i even ? A : B) and writes the other; A at line 0, B after A.
    const args = expandKpuChain(chained.nodes[0]!).map((l) => kpuLayerOf(l).args);
    const a = Math.max(mapLines(16, 16, 3), mapLines(16, 16, 8));
    expect(args.map((x) => [x.imageSrcAddr, x.imageDstAddr])).toEqual([[0, a], [a, 0], [0, a]]);

    const want = runGraph(unchained, input);
    expect(bytesOf(runGraph(chained, input))).toEqual(bytesOf(want));
    const [fromChain, fromLayers] = await Promise.all([
      buildAndRunAsync(k210Files(chained), chained.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(k210Files(unchained), unchained.outputs, input, { cflags: SANITIZE_CFLAGS }),
    ]);
    expect(bytesOf(fromChain)).toEqual(bytesOf(want));
    expect(bytesOf(fromLayers)).toEqual(bytesOf(want));
    expect(k210Files(chained).get("model.c")).toMatch(/eg_kpu_chain_f32\(kpu_layer\w*_chain, 3u,/);

    // The two float maps between the layers (8×16×16 each) leave the arena.
    const saved = arenaOf(unchained) - arenaOf(chained);
    console.log(`chain of 3: arena ${arenaOf(chained)} B chained vs ${arenaOf(unchained)} B layer by layer`);
    expect(saved).toBeGreaterThanOrEqual(8 * 16 * 16 * 4);

    // The kmodel is written from the layers one by one and chains them itself: byte-identical.
    const plain = lowerForK210(graph, calibration, OPS).program;
    expect(Buffer.from(writeKmodel(unchained).bytes).equals(Buffer.from(writeKmodel(plain).bytes))).toBe(true);
  });

  it("a map another op also reads ends the chain there; the rest runs as before", async () => {
    const chained = lowerK210(graphOf(true), calibration).program;
    expect(chained.nodes.map((n) => n.op)).toEqual([KPU_CONV2D_CHAIN, "KpuConv2D", "Relu"]);
    expect(expandKpuChain(chained.nodes[0]!).map((n) => n.name)).toEqual(["c1", "c2"]);
    const want = runGraph(expandKpuChains(chained), input);
    const fromC = await buildAndRunAsync(k210Files(chained), chained.outputs, input, { cflags: SANITIZE_CFLAGS });
    expect(bytesOf(fromC)).toEqual(bytesOf(want));
  });

  it("stride-2 layers run at stride 1 chain too: the CPU copies the sampled map inside KPU RAM; bit-exact with the layers one by one", async () => {
    // depthwise 3×3 s2 (pads 1: samples (2i, 2j)) → 1×1 → depthwise 3×3 s2 TF-SAME (pads (0, 1): samples (2i+1, 2j+1)).
    const graph = stridedChainGraph();
    const x = [randomTensor([1, 8, 16, 16], 54, -0.1, 1.1)];
    const chained = lowerK210(graph, [55, 56].map((seed) => [randomTensor([1, 8, 16, 16], seed, 0, 1)])).program;
    expect(chained.nodes.map((n) => n.op)).toEqual([KPU_CONV2D_CHAIN]);
    const layers = expandKpuChain(chained.nodes[0]!);
    expect(layers.map((l) => l.attrs["subsample"])).toEqual([[2, 0, 0, 8, 8], undefined, [2, 1, 1, 4, 4]]);
    // dw1 reads A (16×16×8: 2 channel groups... 8/4·16 lines) and writes B; its sampled map goes back to A for pw.
    const args = layers.map((l) => kpuLayerOf(l).args);
    const a = mapLines(16, 16, 8);
    expect(args.map((r) => [r.imageSrcAddr, r.imageDstAddr])).toEqual([[0, a], [0, a], [a, 0]]);
    const unchained = expandKpuChains(chained);
    const want = runGraph(unchained, x);
    const [fromChain, fromLayers] = await Promise.all([
      buildAndRunAsync(k210Files(chained), chained.outputs, x, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(k210Files(unchained), unchained.outputs, x, { cflags: SANITIZE_CFLAGS }),
    ]);
    expect(bytesOf(fromChain)).toEqual(bytesOf(want));
    expect(bytesOf(fromLayers)).toEqual(bytesOf(want));
    expect(bytesOf(runGraph(chained, x))).toEqual(bytesOf(want));
  });

  it("placement: the regions grow with the maps they hold; a link that would make them pass 2 MiB is not made", () => {
    const layer = (input: number, output: number, subsample = false) => ({ input, output, subsample });
    // Each layer fits alone (input + output ≤ 32768 lines), the fourth would write A while B holds 16384.
    const run = [layer(768, 16384), layer(16384, 8192), layer(8192, 8192), layer(8192, 24576)];
    expect(chainRegions(run.slice(0, 3))).toEqual({ a: 8192, b: 16384, reads: ["a", "b", "a"] });
    expect(chainRegions(run)).toEqual({ a: 24576, b: 16384, reads: ["a", "b", "a", "b"] });
    expect(chainRegions(run).a + chainRegions(run).b).toBeGreaterThan(KPU_RAM_LINES);
    // A subsampling layer's sampled map goes back into the region it read.
    expect(chainRegions([layer(100, 400, true), layer(100, 50), layer(50, 10)])).toEqual({ a: 100, b: 400, reads: ["a", "a", "b"] });
    // The lowering stops a chain where the link would not fit: 4 layers at the sizes above (1×1
    // convs on 128×128 maps, 256 lines per channel: 3 → 64 → 32 → 32 → 96 channels).
    expect([3, 64, 32, 96].map((c) => mapLines(128, 128, c))).toEqual([768, 16384, 8192, 24576]);
  });
});
