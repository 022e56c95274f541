import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter } from "./elementwise-support.js";
import { expectNodeError, i64, input, interpretNode, valuesOf } from "./tensor-support.js";

const x = Tensor.fromNumbers("float32", [2, 3], [0.1, 0.2, 0.7, 0.5, 0.4, 0.1]);
const w = Tensor.fromNumbers("float32", [3], [1, 2, 0.5]);

describe("NegativeLogLikelihoodLoss", () => {
  it("none, sum, weighted mean and ignore_index (hand-checked)", () => {
    const nll = (target: Tensor, attrs: Record<string, number | string>, weight?: Tensor) =>
      valuesOf(interpretNode({ op: "NegativeLogLikelihoodLoss", inputs: [input(x), input(target), ...(weight ? [input(weight)] : [])], attrs })[0]);
    const t = i64([2, 0]);
    expect(nll(t, { reduction: "none" }).map((v) => +v.toFixed(6))).toEqual([-0.7, -0.5]);
    expect(nll(t, { reduction: "sum" })[0]).toBeCloseTo(-1.2, 6);
    // Weighted mean: (-0.7·0.5 - 0.5·1) / (0.5 + 1).
    expect(nll(t, {}, w)[0]).toBeCloseTo(-0.85 / 1.5, 6);
    // An ignored position counts neither in the sum nor in the weights.
    expect(nll(t, { ignore_index: 2 })[0]).toBeCloseTo(-0.5, 6);
  });
  it("generated C matches for [N, C, d1, d2] with int32 and int64 targets, under sanitizers", () => {
    const scores = randomTensor([3, 4, 2, 5], 1);
    const t64 = i64(Array.from({ length: 30 }, (_, i) => (i * 7) % 5 === 4 ? -1 : (i * 7) % 4), [3, 2, 5]);
    const t32 = Tensor.fromNumbers("int32", [3, 2, 5], Array.from({ length: 30 }, (_, i) => (i * 3) % 4));
    const weight = randomTensor([4], 2, 0.1, 2);
    const { graph, feeds } = checksGraph({ scores, t64, t32, weight }, ["none", "sum", "mean"].flatMap((reduction) => [
      { name: `ii_${reduction}`, op: "NegativeLogLikelihoodLoss", inputs: ["scores", "t64", "weight"], attrs: { reduction, ignore_index: -1 } },
      { name: `plain_${reduction}`, op: "NegativeLogLikelihoodLoss", inputs: ["scores", "t32"], attrs: { reduction } },
    ]));
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
  it("counts an out-of-range run-time target as ignored in C; the interpreter reports it", () => {
    const { graph, feeds } = singleNodeGraph("NegativeLogLikelihoodLoss", [{ value: x }, { value: i64([7, 0]) }], { reduction: "sum" });
    expect(valuesOf(compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS })[0])[0]).toBeCloseTo(-0.5, 6);
    expect(() => runGraph(graph, feeds)).toThrow(/target 7 is outside the 3 classes/);
  });
  it("rejects a target of the wrong shape, a bad weight and an unknown reduction, naming the node", () => {
    expectNodeError({ op: "NegativeLogLikelihoodLoss", inputs: [input(x), input(i64([0, 1, 2]))] }, /the target must have shape 2/);
    expectNodeError({ op: "NegativeLogLikelihoodLoss", inputs: [input(x), input(i64([0, 1])), input(randomTensor([2], 1))] }, /the weight must be float32\[3\]/);
    expectNodeError({ op: "NegativeLogLikelihoodLoss", inputs: [input(x), input(i64([0, 1]))], attrs: { reduction: "max" } }, /"reduction" = "max"/);
  });
});

describe("SoftmaxCrossEntropyLoss", () => {
  it("is the NLL of the log-softmax, which it also returns (hand-checked)", () => {
    const [loss, logp] = interpretNode({ op: "SoftmaxCrossEntropyLoss", inputs: [input(x), input(i64([2, 0]))], outputs: 2 });
    const lse = (a: number[]) => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
    const l0 = lse([0.1, 0.2, 0.7]) - 0.7;
    const l1 = lse([0.5, 0.4, 0.1]) - 0.5;
    expect(valuesOf(loss)[0]).toBeCloseTo((l0 + l1) / 2, 6);
    expect(valuesOf(logp)[2]).toBeCloseTo(-l0, 6);
  });
  it("generated C matches with and without the log_prob output, every reduction, under sanitizers", () => {
    const scores = randomTensor([2, 5, 3], 3, -4, 4);
    const labels = i64([0, 4, -5, 2, 1, 3], [2, 3]);
    const weight = randomTensor([5], 4, 0.1, 1);
    const { graph, feeds } = checksGraph({ scores, labels, weight }, ["none", "sum", "mean"].map((reduction) => ({
      name: `sce_${reduction}`, op: "SoftmaxCrossEntropyLoss", inputs: ["scores", "labels", "weight"], attrs: { reduction, ignore_index: -5 },
    })));
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
    const two = singleNodeGraph("SoftmaxCrossEntropyLoss", [{ value: scores }, { value: i64([0, 4, 1, 2, 1, 3], [2, 3]) }], {}, 2);
    expectCMatchesInterpreter(two.graph, two.feeds, { cflags: SANITIZE_CFLAGS });
  });
});
