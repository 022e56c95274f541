import { describe, expect, it } from "vitest";
import { createEgret, TARGET_PLUGINS, Tensor, type Graph } from "../../src/index.js";
import { buildAndRun } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { dummyPlugin } from "../fixtures/dummy-target/index.js";

/**
 * A target is one folder and one line: the dummy plugin (test/fixtures/dummy-target/: an op, a
 * rule file, a cost model) joins the shipped plugins in a list, and the library compiles for it.
 */
const egret = createEgret([...TARGET_PLUGINS, dummyPlugin]);

/** y = Relu(x * 2) on float32[2, 8]. */
function doubleRelu(): Graph {
  return egret.buildGraph({
    name: "double_relu",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [2, 8] }],
    outputs: ["y"],
    constants: new Map([["two", Tensor.fromNumbers("float32", [1], [2])]]),
    nodes: [
      { name: "m", op: "Mul", inputs: ["x", "two"], outputs: ["d"], attrs: {} },
      { name: "r", op: "Relu", inputs: ["d"], outputs: ["y"], attrs: {} },
    ],
  });
}

describe("a dummy target plugin added by one folder and one list line", () => {
  it("is a --target of the library, with its rule applied and its own op emitted as C that runs", () => {
    expect(egret.toolchain.targets.map((t) => t.name)).toContain("dummy");
    const graph = doubleRelu();
    const result = egret.compile(graph, { target: "dummy" });
    expect(result.summary.target).toBe("dummy");
    expect(result.graph.nodes.map((n) => n.op)).toEqual(["DummyDouble", "Relu"]);
    expect(result.files.get("model.c")).toContain("2.0f *");
    const x = randomTensor([2, 8], 3);
    const got = buildAndRun(result.files, graph.outputs, [x])[0]!.toNumbers();
    const want = egret.runGraph(graph, [x])[0]!.toNumbers();
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it("the shipped targets do not see the dummy's rule, and the default library does not know the target", () => {
    expect(egret.compile(doubleRelu(), { target: "host" }).graph.nodes.map((n) => n.op)).not.toContain("DummyDouble");
    expect(() => createEgret(TARGET_PLUGINS).compile(doubleRelu(), { target: "dummy" })).toThrow(/unknown target "dummy"; choose one of: host, k210/);
  });

  it("quantization calibrates the program extraction chose for the target: the dummy op stays float, reported as a note", () => {
    const result = egret.compile(doubleRelu(), { target: "dummy", quantize: { dtype: "int8" }, calibration: [[randomTensor([2, 8], 5)], [randomTensor([2, 8], 6)]] });
    expect(result.quantization!.floatProgram.nodes.map((n) => n.op)).toEqual(["DummyDouble", "Relu"]);
    // The dummy op's note, then the guard-rail's output SQNR figure.
    expect(result.diagnostics.filter((d) => d.severity === "note").map((d) => d.source)).toEqual([expect.stringMatching(/DummyDouble/), "quantize"]);
    expect(result.diagnostics.some((d) => d.severity === "warning")).toBe(false);
  });
});
