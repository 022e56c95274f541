import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileGraph, runGraph, Tensor } from "../../src/index.js";
import { importTfGraphDef } from "../../src/importers/tf/index.js";
import { OPTIMIZER_LIMITS } from "../../src/egraph/ir/optimize.js";
import { compareClose } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";
import { chain, expectSameOutputs, feedsFor, optimize, opsOf, runC } from "../rules/support.js";

/** rules/layout.rules: NCHW<->NHWC transposes pushed through element-wise ops, Concat and flattening. */

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

describe("layout rules on small graphs", () => {
  it("an importer-style NHWC Conv block (bias Add, BatchNorm, Relu, MaxPool, two layers) loses every transpose", () => {
    const c = 3;
    const bn = (k: number, seed: number) => ({ [`s${k}`]: randomTensor([c], seed, 0.5, 1.5), [`t${k}`]: randomTensor([c], seed + 1), [`m${k}`]: randomTensor([c], seed + 2), [`v${k}`]: randomTensor([c], seed + 3, 0.5, 2) });
    const layer = (input: string, k: number) => [
      { op: "Transpose", inputs: [input], output: `a${k}`, attrs: { perm: TO_NCHW } },
      { op: "Conv", inputs: [`a${k}`, `w${k}`], output: `c${k}`, attrs: { pads: [1, 1, 1, 1] } },
      { op: "Transpose", inputs: [`c${k}`], output: `d${k}`, attrs: { perm: TO_NHWC } },
      { op: "Add", inputs: [`d${k}`, `bias${k}`], output: `e${k}` },
      { op: "Transpose", inputs: [`e${k}`], output: `f${k}`, attrs: { perm: TO_NCHW } },
      { op: "BatchNormalization", inputs: [`f${k}`, `s${k}`, `t${k}`, `m${k}`, `v${k}`], output: `g${k}`, attrs: { epsilon: 1e-3 } },
      { op: "Transpose", inputs: [`g${k}`], output: `h${k}`, attrs: { perm: TO_NHWC } },
      { op: "Relu", inputs: [`h${k}`], output: `r${k}` },
      { op: "Transpose", inputs: [`r${k}`], output: `i${k}`, attrs: { perm: TO_NCHW } },
      { op: "MaxPool", inputs: [`i${k}`], output: `p${k}`, attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: "Transpose", inputs: [`p${k}`], output: `o${k}`, attrs: { perm: TO_NHWC } },
    ];
    const graph = chain([1, 8, 8, 2], { w1: randomTensor([c, 2, 3, 3], 1), w2: randomTensor([c, c, 3, 3], 2), bias1: randomTensor([c], 3), bias2: randomTensor([c], 4), ...bn(1, 10), ...bn(2, 20) }, [...layer("x", 1), ...layer("o1", 2)]);
    const { graph: out, report } = optimize(graph);
    // The boundary transposes (input NHWC->NCHW, output NCHW->NHWC) go too: Conv and MaxPool run
    // NHWC (conv-to-nhwc, maxpool-to-nhwc; see test/optimizer/layout-nhwc.test.ts).
    expect(opsOf(out).filter((op) => op === "Transpose")).toHaveLength(0);
    expect(opsOf(out).filter((op) => op === "Conv")).toHaveLength(2);
    expect(out.nodes.filter((n) => n.op === "Conv").every((n) => n.attrs["activation"] === "Relu")).toBe(true);
    expect(report.hits["add-const-through-transpose"]).toBeGreaterThan(0);
    expectSameOutputs(graph, out);
    const before = compileGraph(graph, { optimize: false }).summary.kernelCalls;
    expect(compileGraph(graph).summary.kernelCalls).toBe(4);
    expect(before).toBe(22);
  });

  it("a transpose that only moves size-1 axes becomes a Reshape (no kernel call); others stay", () => {
    const unit = chain([1, 4, 5, 1], {}, [{ op: "Transpose", inputs: ["x"], output: "y", attrs: { perm: TO_NCHW } }, { op: "Relu", inputs: ["y"], output: "z" }]);
    const out = optimize(unit).graph;
    expect(opsOf(out)).not.toContain("Transpose");
    expectSameOutputs(unit, out);
    const real = chain([1, 4, 5, 2], {}, [{ op: "Transpose", inputs: ["x"], output: "y", attrs: { perm: TO_NCHW } }, { op: "Relu", inputs: ["y"], output: "z" }]);
    expect(opsOf(optimize(real).graph)).toContain("Transpose");
  });

  it("pushes transposes through Concat (axis remapped) so pairs cancel", () => {
    const graph = chain([1, 3, 4, 2], {}, [
      { op: "Transpose", inputs: ["x"], output: "a", attrs: { perm: TO_NCHW } },
      { op: "Sigmoid", inputs: ["a"], output: "s" },
      { op: "Tanh", inputs: ["a"], output: "b" },
      { op: "Concat", inputs: ["s", "b"], output: "c", attrs: { axis: 1 } },
      { op: "Transpose", inputs: ["c"], output: "y", attrs: { perm: TO_NHWC } },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["concat2-through-transposes"]).toBeGreaterThan(0);
    expect(opsOf(out)).not.toContain("Transpose");
    expect(out.nodes.find((n) => n.op === "Concat")!.attrs["axis"]).toBe(3);
    expectSameOutputs(graph, out);
  });

  it("keeps a transpose whose constant operand would broadcast the result larger (negative case)", () => {
    const graph = chain([2, 3], { k: randomTensor([4, 1, 1], 2) }, [
      { op: "Transpose", inputs: ["x"], output: "t", attrs: { perm: [1, 0] } },
      { op: "Add", inputs: ["t", "k"], output: "y" },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["add-const-through-transpose"]).toBeUndefined();
    expectSameOutputs(graph, out);
  });

  it("moves a flatten's transpose into the following MatMul's weights", () => {
    const graph = chain([1, 2, 3, 4], { w: randomTensor([24, 5], 4) }, [
      { op: "Transpose", inputs: ["x"], output: "t", attrs: { perm: TO_NHWC } },
      { op: "Reshape", inputs: ["t"], output: "r", attrs: { shape: [1, -1] } },
      { op: "Relu", inputs: ["r"], output: "q" },
      { op: "MatMul", inputs: ["q", "w"], output: "y" },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["matmul-flatten-transpose"]).toBeGreaterThan(0);
    expect(opsOf(out)).not.toContain("Transpose");
    expectSameOutputs(graph, out);
    const feeds = feedsFor(graph);
    expect(compareClose(runC(graph, feeds, true)[0]!, runGraph(graph, feeds)[0]!).ok).toBe(true);
  });
});

describe("layout rules on the TensorFlow corpus (NHWC models wrapped in transposes)", () => {
  const useShared = sharedFor("layout rules on ../shared/models/tf (kws-cnn-k210, mnist-cnn)");
  const models: readonly [string, string, number[], number, number][] = [
    // file, input, shape, kernel calls without the optimizer, at most with it
    ["kws-cnn-k210/mod.pb", "conv2d_1_input", [1, 128, 64, 1], 48, 11],
    ["mnist-cnn/mnist.pb", "inputs", [1, 28, 28, 1], 22, 7],
  ];
  for (const [file, input, shape, before, after] of models) {
    it(`${file}: transposes cancel, kernel calls ${before} -> <= ${after}, same outputs`, (ctx) => {
      const shared = useShared(ctx);
      const path = join(shared, "models", "tf", file);
      const graph = importTfGraphDef(readFileSync(path), path, { inputShapes: new Map([[input, shape]]) });
      const plain = compileGraph(graph, { optimize: false }).summary.kernelCalls;
      const optimized = compileGraph(graph);
      const report = optimized.summary.optimizer!;
      console.log(`${file}: kernel calls ${plain} -> ${optimized.summary.kernelCalls}; ${report.iterations} iterations, ${report.nodes} e-nodes, ${report.stopReason}, ${(report.saturateMs + report.extractMs).toFixed(0)} ms`);
      expect(plain).toBe(before);
      expect(optimized.summary.kernelCalls).toBeLessThanOrEqual(after);
      expect(opsOf(optimized.graph)).not.toContain("Transpose");
      expect(report.nodes).toBeLessThanOrEqual(OPTIMIZER_LIMITS.nodes * 2);
      expect(report.iterations).toBeLessThanOrEqual(OPTIMIZER_LIMITS.iterations);
      const x = Tensor.fromNumbers("float32", shape, randomTensor(shape, 5, 0, 1).toNumbers());
      expectSameOutputs(graph, optimized.graph, [x]);
    });
  }
});
