import { describe, expect, it } from "vitest";
import { OPS, runGraph, Tensor, type AttrValue, type Graph, type Node, type ValueInfo } from "../../src/index.js";
import { compileAndRun } from "../support/c-run.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { errorOf } from "../support/errors.js";

/**
 * A graph that keeps one input-less node (buildGraph would fold it into a constant), so that the
 * op's emitC is what produces the output. It has one unused input: the test runner does not
 * build for models without inputs (runtime-c/runner/runner.c leaves `inputs` uninitialised).
 */
const UNUSED: ValueInfo = { dtype: "float32", shape: [1] };
const UNUSED_FEED = Tensor.fromNumbers("float32", [1], [0]);

function unfoldedGraph(op: string, attrs: Record<string, AttrValue>): Graph {
  const node: Node = { name: `${op.toLowerCase()}_0`, op, inputs: [], outputs: ["y"], attrs };
  const [info] = OPS.get(op)!.infer(node, []) as [ValueInfo];
  return {
    name: "unfolded",
    inputs: [{ name: "unused", ...UNUSED }],
    outputs: [{ name: "y", ...info }],
    nodes: [node],
    constants: new Map(),
    values: new Map([["y", info], ["unused", UNUSED]]),
  };
}

/** Runs one node in the interpreter; `constant` makes its inputs initializers (folded at build). */
function evalNode(op: string, inputs: Tensor[], attrs: Record<string, AttrValue>, constant = false): Tensor {
  const { graph, feeds } = singleNodeGraph(op, inputs.map((value) => ({ value, constant })), attrs);
  if (constant) return graph.constants.get("out0")!;
  return runGraph(graph, feeds)[0]!;
}


describe("Constant", () => {
  it("evaluates each attribute form to the right dtype and shape", () => {
    const value = randomTensor([2, 3], 4);
    expect(evalNode("Constant", [], { value }).data).toEqual(value.data);
    const f = evalNode("Constant", [], { value_float: 2.5 });
    expect([f.dtype, f.shape, f.toArray()]).toEqual(["float32", [], [2.5]]);
    const ints = evalNode("Constant", [], { value_ints: [3, -1] });
    expect([ints.dtype, ints.shape, ints.toArray()]).toEqual(["int64", [2], [3, -1]]);
  });
  it("emits C that reproduces float32, int64 (INT64_MIN/MAX), uint8 and bool tensors bit for bit", () => {
    const tensors = [
      randomTensor([3, 2], 8),
      new Tensor("int64", [3], new BigInt64Array([9223372036854775807n, -9223372036854775808n, 5n])),
      Tensor.fromNumbers("uint8", [4], [0, 1, 200, 255]),
      Tensor.fromNumbers("bool", [2], [1, 0]),
    ];
    for (const value of tensors) {
      const [y] = compileAndRun(unfoldedGraph("Constant", { value }), [UNUSED_FEED]);
      expect(y!.data).toEqual(value.data);
    }
  });
  it("rejects a node with no value, naming it", () => {
    const e = errorOf(() => singleNodeGraph("Constant", [], {}));
    expect(e.message).toContain('node "constant_0" (Constant)');
    expect(e.code).toBe("bad-attribute");
  });
});

describe("ConstantOfShape", () => {
  it("defaults to float32 zeros and fills with a typed value", () => {
    const z = evalNode("ConstantOfShape", [Tensor.fromNumbers("int64", [2], [2, 3])], {}, true);
    expect([z.dtype, z.shape, z.toArray()]).toEqual(["float32", [2, 3], [0, 0, 0, 0, 0, 0]]);
    const big = evalNode("ConstantOfShape", [Tensor.fromNumbers("int64", [1], [2])], { value: new Tensor("int64", [1], new BigInt64Array([9223372036854775807n])) }, true);
    expect(Array.from(big.data as BigInt64Array)).toEqual([9223372036854775807n, 9223372036854775807n]);
    const empty = evalNode("ConstantOfShape", [Tensor.fromNumbers("int64", [1], [0])], { value: Tensor.fromNumbers("int32", [1], [1]) }, true);
    expect([empty.dtype, empty.shape]).toEqual(["int32", [0]]);
  });
  it("emits a fill in C", () => {
    const [y] = compileAndRun(unfoldedGraph("ConstantOfShape", { shape: [2, 2], value: Tensor.fromNumbers("int32", [1], [-7]) }), [UNUSED_FEED]);
    expect(y!.toArray()).toEqual([-7, -7, -7, -7]);
    const [f] = compileAndRun(unfoldedGraph("ConstantOfShape", { shape: [3] }), [UNUSED_FEED]);
    expect(f!.toArray()).toEqual([0, 0, 0]);
  });
  it("rejects a multi-element value", () => {
    const e = errorOf(() => singleNodeGraph("ConstantOfShape", [{ value: Tensor.fromNumbers("int64", [1], [2]), constant: true }], { value: Tensor.fromNumbers("float32", [2], [1, 2]) }));
    expect(e.message).toContain('node "constantofshape_0" (ConstantOfShape)');
  });
});

describe("Shape", () => {
  const x = randomTensor([3, 4, 5], 1);
  it("start/end slicing with negative and clamped bounds (opset 15)", () => {
    const dims = (attrs: Record<string, AttrValue>) => evalNode("Shape", [x], attrs).toArray();
    expect(dims({})).toEqual([3, 4, 5]);
    expect(dims({ start: 1 })).toEqual([4, 5]);
    expect(dims({ end: -1 })).toEqual([3, 4]);
    expect(dims({ start: -10 })).toEqual([3, 4, 5]);
    expect(dims({ end: 9223372036854775807 })).toEqual([3, 4, 5]);
    expect(dims({ start: 2, end: 1 })).toEqual([]);
  });
  it("emits the static shape in C for a run-time input", () => {
    const { graph, feeds } = singleNodeGraph("Shape", [{ value: x }], { start: 1 });
    const [y] = compileAndRun(graph, feeds);
    expect([y!.dtype, y!.toArray()]).toEqual(["int64", [4, 5]]);
  });
});
