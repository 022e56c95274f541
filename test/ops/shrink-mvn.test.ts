import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter } from "./elementwise-support.js";
import { expectNodeError, input, interpretNode, valuesOf } from "./tensor-support.js";

describe("Shrink", () => {
  it("hard and soft shrink (ONNX spec examples)", () => {
    const x = input(Tensor.fromNumbers("float32", [5], [-2, -1, 0, 1, 2]));
    expect(valuesOf(interpretNode({ op: "Shrink", inputs: [x], attrs: { lambd: 1.5 } })[0])).toEqual([-2, 0, 0, 0, 2]);
    expect(valuesOf(interpretNode({ op: "Shrink", inputs: [x], attrs: { lambd: 1.5, bias: 1.5 } })[0])).toEqual([-0.5, 0, 0, 0, 0.5]);
  });
  it("generated C matches, including a negative lambd and bias, on float16/32/64", () => {
    const inputs: Record<string, Tensor> = {};
    const nodes = [];
    for (const t of ["float16", "float32", "float64"] as const) {
      inputs[`x_${t}`] = Tensor.fromNumbers(t, [12], randomTensor([12], 3, -3, 3).toNumbers());
      nodes.push({ name: `soft_${t}`, op: "Shrink", inputs: [`x_${t}`], attrs: { lambd: 0.75, bias: 0.25 } });
      nodes.push({ name: `neg_${t}`, op: "Shrink", inputs: [`x_${t}`], attrs: { lambd: -0.5, bias: -1 } });
    }
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds);
  });
});

describe("MeanVarianceNormalization", () => {
  it("normalises each channel over N, H, W by default (hand-checked)", () => {
    // Channel 0 holds 1, 3 (mean 2, sd 1); channel 1 holds 5, 5 (sd 0: the output is 0).
    const x = input(Tensor.fromNumbers("float32", [1, 2, 1, 2], [1, 3, 5, 5]));
    const y = valuesOf(interpretNode({ op: "MeanVarianceNormalization", inputs: [x] })[0]);
    expect(y[0]).toBeCloseTo(-1, 6);
    expect(y[1]).toBeCloseTo(1, 6);
    expect(y.slice(2)).toEqual([0, 0]);
  });
  it("generated C matches for default and custom axes, float32 and float64, under sanitizers", () => {
    const x = randomTensor([2, 3, 4, 5], 8, -2, 5);
    const x64 = Tensor.fromNumbers("float64", [3, 7], randomTensor([3, 7], 9).toNumbers());
    const { graph, feeds } = checksGraph({ x, x64 }, [
      { name: "default", op: "MeanVarianceNormalization", inputs: ["x"] },
      { name: "last", op: "MeanVarianceNormalization", inputs: ["x"], attrs: { axes: [-1] } },
      { name: "mid", op: "MeanVarianceNormalization", inputs: ["x"], attrs: { axes: [1, 3] } },
      { name: "all64", op: "MeanVarianceNormalization", inputs: ["x64"], attrs: { axes: [0, 1] } },
    ]);
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
  it("rejects an axis out of range and integer data, naming the node", () => {
    expectNodeError({ op: "MeanVarianceNormalization", inputs: [input(randomTensor([2, 3], 1))], attrs: { axes: [2] } }, /axis 2 is out of range/);
    expectNodeError({ op: "MeanVarianceNormalization", inputs: [input(Tensor.fromNumbers("int32", [1, 1, 1, 1], [1]))] }, /supports float32, float64/);
  });
});
