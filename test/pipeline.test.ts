import { describe, expect, it } from "vitest";
import { buildGraph, runGraph, Tensor } from "../src/index.js";
import { compileAndRun, compareClose } from "./support/c-run.js";

describe("pipeline smoke test on a hand-built graph", () => {
  it("Relu -> Identity -> Relu compiles, runs and matches the interpreter", () => {
    const graph = buildGraph({
      name: "smoke",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [2, 3] }],
      outputs: ["z"],
      constants: new Map(),
      nodes: [
        { name: "r1", op: "Relu", inputs: ["x"], outputs: ["y"], attrs: {} },
        { name: "id", op: "Identity", inputs: ["y"], outputs: ["y2"], attrs: {} },
        { name: "r2", op: "Relu", inputs: ["y2"], outputs: ["z"], attrs: {} },
      ],
    });
    const x = Tensor.fromNumbers("float32", [2, 3], [-1, 2, -3, 4, 0, 6]);
    const [ref] = runGraph(graph, [x]);
    expect(Array.from(ref!.toNumbers())).toEqual([0, 2, 0, 4, 0, 6]);
    const [got] = compileAndRun(graph, [x]);
    expect(compareClose(got!, ref!).ok).toBe(true);
  });
});
