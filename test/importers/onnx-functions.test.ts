import { describe, expect, it } from "vitest";
import { importModelBytes, runGraph, Tensor } from "../../src/index.js";
import { ATTR_TYPE } from "../../src/importers/onnx/schema.js";
import { compileAndRun } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { encodeProtoObject, modelProtoObject, type OnnxNodeSpec } from "../support/onnx-builder.js";

/**
 * Model-local functions (ModelProto.functions) are inlined at import: formal names bound to the
 * call's tensors, attribute references resolved (call value, else default, else absent), nested
 * calls expanded, internal names kept apart from the graph's.
 */

const node = (op: string, inputs: string[], outputs: string[], attribute: object[] = [], domain = "") => ({ op_type: op, domain, input: inputs, output: outputs, attribute });
const ref = (name: string, refName: string, type: number) => ({ name, ref_attr_name: refName, type });

/** `ScaledAct(x) = LeakyRelu(x * k, alpha)`; k has a default (1.5), alpha does not. */
const SCALED_ACT = {
  name: "ScaledAct",
  domain: "pkg.test",
  input: ["X"],
  output: ["Y"],
  attribute: ["alpha"],
  attribute_proto: [{ name: "k", type: ATTR_TYPE.FLOAT, f: 1.5 }],
  opset_import: [{ domain: "", version: 18 }],
  node: [
    node("Constant", [], ["kk"], [{ name: "value_float", ref_attr_name: "k", type: ATTR_TYPE.FLOAT }]),
    node("Mul", ["X", "kk"], ["t"]),
    node("LeakyRelu", ["t"], ["Y"], [ref("alpha", "alpha", ATTR_TYPE.FLOAT)]),
  ],
};

/** `Block(x) = ScaledAct(x + 1, alpha = a) - t` with an internal tensor named like one of the graph's. */
const BLOCK = {
  name: "Block",
  domain: "pkg.test",
  input: ["X"],
  output: ["Y"],
  attribute: ["a"],
  opset_import: [{ domain: "", version: 18 }, { domain: "pkg.test", version: 1 }],
  node: [
    node("Constant", [], ["one"], [{ name: "value_float", type: ATTR_TYPE.FLOAT, f: 1 }]),
    node("Add", ["X", "one"], ["t"]),
    node("ScaledAct", ["t"], ["u"], [ref("alpha", "a", ATTR_TYPE.FLOAT)], "pkg.test"),
    node("Sub", ["u", "t"], ["Y"]),
  ],
};

function model(calls: OnnxNodeSpec[], functions: object[], opset = 18): Uint8Array {
  const obj = modelProtoObject({ opset, extraOpsets: [{ domain: "pkg.test", version: 1 }], inputs: [{ name: "x", dims: [2, 3] }], outputs: ["y"], nodes: calls });
  return encodeProtoObject({ ...obj, ir_version: 9, functions });
}

const leaky = (v: number, alpha: number) => (v >= 0 ? v : alpha * v);

describe("model-local functions", () => {
  const x = Tensor.fromNumbers("float32", [2, 3], [-3, -1.5, -0.5, 0.25, 1, 2]);

  it("inlines nested calls with attribute references, defaults and overrides; C and interpreter agree", () => {
    const bytes = model(
      [
        { op: "Block", domain: "pkg.test", inputs: ["x"], outputs: ["t"], attrs: { a: 0.25 }, name: "block0" },
        { op: "ScaledAct", domain: "pkg.test", inputs: ["t"], outputs: ["y"], attrs: { alpha: 0.5, k: 2 }, name: "act1" },
      ],
      [SCALED_ACT, BLOCK],
    );
    const graph = importModelBytes(bytes, "functions.onnx");
    expect(graph.nodes.map((n) => n.op)).not.toContain("pkg.test:Block");
    expect(graph.nodes.some((n) => n.name.startsWith("block0/"))).toBe(true);
    const want = x.toArray().map((v) => {
      const t = v + 1;
      const block = leaky(t * 1.5, 0.25) - t; // k defaults to 1.5 inside Block's call
      return leaky(block * 2, 0.5); // the outer call sets k = 2
    });
    const interp = runGraph(graph, [x])[0]!.toArray();
    interp.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    expect(compileAndRun(graph, [x])[0]!.toArray()).toEqual(interp);
  });

  it("leaves an attribute out when the call neither sets it nor has a default (LeakyRelu's own default alpha)", () => {
    const graph = importModelBytes(model([{ op: "ScaledAct", domain: "pkg.test", inputs: ["x"], outputs: ["y"] }], [SCALED_ACT]), "f.onnx");
    expect(runGraph(graph, [x])[0]!.toArray().map((v) => Math.fround(v))).toEqual(x.toArray().map((v) => Math.fround(leaky(Math.fround(v * 1.5), 0.01))));
  });

  it("rejects recursion, undeclared attributes and another default opset, naming the function", () => {
    const loop = { ...SCALED_ACT, name: "Loopy", attribute_proto: [], node: [node("Loopy", ["X"], ["Y"], [], "pkg.test")] };
    expect(errorOf(() => importModelBytes(model([{ op: "Loopy", domain: "pkg.test", inputs: ["x"], outputs: ["y"] }], [loop]), "f.onnx")).message).toMatch(/local function "Loopy".*recursive \(Loopy -> Loopy\)/);
    const undeclared = model([{ op: "ScaledAct", domain: "pkg.test", inputs: ["x"], outputs: ["y"], attrs: { beta: 1 } }], [SCALED_ACT]);
    expect(errorOf(() => importModelBytes(undeclared, "f.onnx")).message).toMatch(/sets attribute "beta", which the function does not declare \(it declares: alpha, k\)/);
    const other = model([{ op: "ScaledAct", domain: "pkg.test", inputs: ["x"], outputs: ["y"] }], [SCALED_ACT], 17);
    expect(errorOf(() => importModelBytes(other, "f.onnx")).message).toMatch(/local function "ScaledAct".*imports the default opset 18 while the model uses 17/);
  });
});
