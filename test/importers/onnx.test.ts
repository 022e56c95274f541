import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildGraph, EgretError, runGraph, Tensor, type Graph } from "../../src/index.js";
import { decodeNamedTensorProto, decodeTensorProto, importOnnx, readOnnxModel } from "../../src/importers/onnx/index.js";
import { SUPPORTED_OPS_HINT } from "../../src/ir/registry.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { encodeOnnxModel, encodeProtoObject, encodeTensorProto, modelProtoObject, type OnnxModelSpec } from "../support/onnx-builder.js";

const SUITE = "/usr/share/libonnx-testdata/data";
const CONV2D = join(SUITE, "pytorch-converted/test_Conv2d/model.onnx");
const RELU = join(SUITE, "node/test_relu/model.onnx");

/** Runs `f` and returns the EgretError it throws (failing the test on success or another error). */
function egretError(f: () => unknown): EgretError {
  try {
    f();
  } catch (e) {
    if (e instanceof EgretError) return e;
    throw new Error(`expected an EgretError, got ${String(e)}`);
  }
  throw new Error("expected an EgretError, but nothing was thrown");
}

function importSpec(spec: OnnxModelSpec, options: Parameters<typeof importOnnx>[2] = {}): Graph {
  return importOnnx(encodeOnnxModel(spec), "test.onnx", options);
}

/** x[2,3] -> Relu -> Identity -> y: the smallest model built from ops the core registers. */
const reluIdentity: OnnxModelSpec = {
  inputs: [{ name: "x", dims: [2, 3] }],
  outputs: ["y"],
  nodes: [
    { op: "Relu", inputs: ["x"], outputs: ["r"] },
    { op: "Identity", inputs: ["r"], outputs: ["y"] },
  ],
};

describe("ONNX importer on conformance-suite models", () => {
  it("imports pytorch-converted/test_Conv2d (IR 3: weights listed as inputs become constants)", () => {
    const g = importOnnx(readFileSync(CONV2D), CONV2D);
    expect(g.name).toBe("torch-jit-export");
    expect(g.inputs.map((i) => [i.name, i.dtype, i.shape])).toEqual([["0", "float32", [2, 3, 7, 5]]]);
    expect(g.nodes.map((n) => [n.name, n.op])).toEqual([["Conv_0", "Conv"]]);
    expect(g.nodes[0]!.attrs).toMatchObject({ kernel_shape: [3, 2], strides: [1, 1], pads: [0, 0, 0, 0], group: 1 });
    expect(g.constants.get("1")!.shape).toEqual([4, 3, 3, 2]);
    expect(g.constants.get("2")!.shape).toEqual([4]);
    expect(g.outputs.map((o) => [o.name, o.shape])).toEqual([["3", [2, 4, 5, 4]]]);
  });

  it("imports node/test_relu; its test data matches through the interpreter and the generated C", () => {
    const g = importOnnx(readFileSync(RELU), RELU);
    expect(g.nodes.map((n) => n.op)).toEqual(["Relu"]);
    const x = decodeTensorProto(readFileSync(join(SUITE, "node/test_relu/test_data_set_0/input_0.pb")));
    const y = decodeTensorProto(readFileSync(join(SUITE, "node/test_relu/test_data_set_0/output_0.pb")));
    expect(x.shape).toEqual([3, 4, 5]);
    expect(Array.from(runGraph(g, [x])[0]!.toNumbers())).toEqual(Array.from(y.toNumbers()));
    expect(Array.from(y.toNumbers())).toEqual(Array.from(x.toNumbers(), (v) => Math.max(v, 0)));
    const [fromC] = compileAndRun(g, [x]);
    expect(compareClose(fromC!, y).ok).toBe(true);
  });
});

describe("TensorProto files", () => {
  const pb = (p: string) => readFileSync(join(SUITE, p));

  it("decodes float32 raw_data with the values onnx.numpy_helper reads", () => {
    const t = decodeTensorProto(pb("pytorch-converted/test_Conv2d/test_data_set_0/input_0.pb"));
    expect(t.dtype).toBe("float32");
    expect(t.shape).toEqual([2, 3, 7, 5]);
    expect(Array.from(t.data.subarray(0, 3) as Float32Array)).toEqual([-0.982118546962738, 0.5474972724914551, 0.13311725854873657]);
  });

  it("decodes int64, bool and float16 tensors with their names", () => {
    const shape = decodeNamedTensorProto(pb("node/test_reshape_reduced_dims/test_data_set_0/input_1.pb"));
    expect(shape.name).toBe("shape");
    expect(shape.tensor.dtype).toBe("int64");
    expect(Array.from(shape.tensor.data as BigInt64Array)).toEqual([2n, 12n]);
    const bools = decodeTensorProto(pb("node/test_and2d/test_data_set_0/input_0.pb"));
    expect(bools.dtype).toBe("bool");
    expect(bools.toArray().slice(0, 6)).toEqual([1, 1, 1, 1, 1, 0]);
    const half = decodeTensorProto(pb("node/test_cast_FLOAT_to_FLOAT16/test_data_set_0/output_0.pb"));
    expect(half.dtype).toBe("float16");
    expect(half.toArray().slice(0, 3)).toEqual([0.548828125, 0.71533203125, 0.6025390625]);
  });

  it.each(["raw", "typed"] as const)("round-trips every dtype through %s storage", (encoding) => {
    const cases: Tensor[] = [
      Tensor.fromNumbers("float32", [2, 2], [1.5, -2, 0, 3.25]),
      Tensor.fromNumbers("float64", [3], [Math.PI, -1e300, 0]),
      Tensor.fromNumbers("float16", [2], [0.5, -65504]),
      Tensor.fromNumbers("int8", [3], [-128, 0, 127]),
      Tensor.fromNumbers("uint8", [2], [0, 255]),
      Tensor.fromNumbers("int16", [2], [-32768, 32767]),
      Tensor.fromNumbers("uint16", [2], [0, 65535]),
      Tensor.fromNumbers("int32", [2], [-2147483648, 2147483647]),
      Tensor.fromNumbers("uint32", [2], [0, 4294967295]),
      new Tensor("int64", [2], BigInt64Array.from([-(2n ** 63n), 2n ** 62n + 1n])),
      new Tensor("uint64", [2], BigUint64Array.from([0n, 2n ** 64n - 1n])),
      Tensor.fromNumbers("bool", [3], [1, 0, 1]),
      new Tensor("float32", [0, 3]),
      Tensor.scalar("int32", 7),
    ];
    for (const t of cases) {
      const back = decodeTensorProto(encodeTensorProto(t, "t", encoding));
      expect([back.dtype, back.shape]).toEqual([t.dtype, t.shape]);
      expect(Array.from(back.bytes())).toEqual(Array.from(t.bytes()));
    }
  });

  it("rejects garbage and unsupported element types, naming the file", () => {
    const bad = egretError(() => decodeTensorProto(new Uint8Array([0xff, 0xff, 0xff]), "input_0.pb"));
    expect(bad.code).toBe("parse");
    expect(bad.message).toContain("tensor file input_0.pb");
    const str = egretError(() => decodeTensorProto(pb("node/test_cast_STRING_to_FLOAT/test_data_set_0/input_0.pb"), "input_0.pb"));
    expect(str.code).toBe("unsupported-dtype");
    expect(str.message).toContain("STRING");
  });
});

describe("ONNX importer on built models", () => {
  it("imports a model written by the test builder and runs it", () => {
    const g = importSpec(reluIdentity);
    expect(g.nodes.map((n) => [n.name, n.op])).toEqual([["Relu_0", "Relu"], ["Identity_1", "Identity"]]);
    const [y] = runGraph(g, [Tensor.fromNumbers("float32", [2, 3], [-1, 2, -3, 4, 0, 6])]);
    expect(Array.from(y!.toNumbers())).toEqual([0, 2, 0, 4, 0, 6]);
  });

  it("makes node names unique", () => {
    const g = importSpec({
      ...reluIdentity,
      nodes: [
        { op: "Relu", name: "n", inputs: ["x"], outputs: ["r"] },
        { op: "Identity", name: "n", inputs: ["r"], outputs: ["y"] },
      ],
    });
    expect(g.nodes.map((n) => n.name)).toEqual(["n", "n_1"]);
  });

  it.each([false, true])("converts every attribute kind (type field omitted: %s)", (omitAttributeTypes) => {
    const w = Tensor.fromNumbers("float32", [2], [0.25, -4]);
    const g = importSpec({
      ...reluIdentity,
      omitAttributeTypes,
      nodes: [
        { op: "Relu", inputs: ["x"], outputs: ["r"], attrs: { f: 0.5, i: -3, big: { kind: "int", value: 2 ** 40 }, s: "héllo", fs: [0.25, 1.5], is: [1, -2], ss: ["a", "b"], t: w } },
        { op: "Identity", inputs: ["r"], outputs: ["y"] },
      ],
    });
    const { t, ...rest } = g.nodes[0]!.attrs;
    expect(rest).toEqual({ f: 0.5, i: -3, big: 2 ** 40, s: "héllo", fs: [0.25, 1.5], is: [1, -2], ss: ["a", "b"] });
    expect(t).toBeInstanceOf(Tensor);
    expect(Array.from((t as Tensor).toNumbers())).toEqual([0.25, -4]);
  });

  it("keeps int64 initializers bit-exact in both encodings", () => {
    for (const tensorEncoding of ["raw", "typed"] as const) {
      const big = new Tensor("int64", [2], BigInt64Array.from([2n ** 62n + 1n, -7n]));
      const g = importSpec({
        inputs: [{ name: "x", dims: [1] }],
        outputs: ["y", "k"],
        nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }, { op: "Identity", inputs: ["c"], outputs: ["k"] }],
        initializers: { c: big },
        tensorEncoding,
      });
      expect(Array.from(g.constants.get("k")!.data as BigInt64Array)).toEqual([2n ** 62n + 1n, -7n]);
    }
  });

  it("uses the default-domain opset and spells other domains into the op name", () => {
    const e = egretError(() =>
      importSpec({
        ...reluIdentity,
        opset: 11,
        extraOpsets: [{ domain: "com.microsoft", version: 1 }],
        nodes: [{ op: "FusedConv", domain: "com.microsoft", name: "fc", inputs: ["x"], outputs: ["y"] }],
      }),
    );
    expect(e.code).toBe("unsupported-op");
    expect(e.message).toContain('node "fc" (com.microsoft:FusedConv)');
  });

  it("accepts a missing shape when --input-shape gives one", () => {
    const spec: OnnxModelSpec = { ...reluIdentity, inputs: [{ name: "x", dims: null }] };
    expect(egretError(() => importSpec(spec)).code).toBe("dynamic-shape");
    expect(importSpec(spec, { inputShapes: new Map([["x", [4]]]) }).inputs[0]!.shape).toEqual([4]);
  });

  it("readOnnxModel lets a caller bind a graph input to a constant before building", () => {
    const bytes = encodeOnnxModel({
      inputs: [{ name: "x", dims: [2, 3] }, { name: "shape", dtype: "int64", dims: [1] }],
      outputs: ["y"],
      nodes: [{ op: "Reshape", inputs: ["x", "shape"], outputs: ["y"] }],
    });
    const raw = readOnnxModel(bytes, "reshape.onnx");
    expect(raw.inputs.map((i) => i.name)).toEqual(["x", "shape"]);
    expect(egretError(() => buildGraph(raw)).code).toBe("non-constant");
    const shape = new Tensor("int64", [1], BigInt64Array.from([6n]));
    const g = buildGraph({ ...raw, constants: new Map([...raw.constants, ["shape", shape]]) });
    expect(g.inputs.map((i) => i.name)).toEqual(["x"]);
    expect(g.outputs[0]!.shape).toEqual([6]);
  });
});

describe("bad input is reported, never crashes", () => {
  const conv = readFileSync(CONV2D);

  it.each([1, 40, 200, 400, 580])("a model truncated to %i bytes is a parse error naming the file", (length) => {
    const e = egretError(() => importOnnx(conv.subarray(0, length), "cut.onnx"));
    expect(e.code).toBe("parse");
    expect(e.message).toMatch(/^model file cut\.onnx: is not (a valid ONNX model \(.+\)|an ONNX model: it holds no graph)/);
  });

  it("garbage bytes are a parse error", () => {
    const text = egretError(() => importOnnx(new TextEncoder().encode("hello, this is not an ONNX model\n"), "notes.txt"));
    expect(text.code).toBe("parse");
    expect(text.message).toContain("model file notes.txt: is not a valid ONNX model (");
    expect(egretError(() => importOnnx(new Uint8Array(0), "empty.onnx")).message).toContain("holds no graph");
  });

  it("an unsupported op names the op, the node and where the supported list is", () => {
    const e = egretError(() => importSpec({ ...reluIdentity, nodes: [{ op: "FooBar", name: "mystery", inputs: ["x"], outputs: ["y"] }] }));
    expect(e.code).toBe("unsupported-op");
    expect(e.message).toContain('node "mystery" (FooBar)');
    expect(e.message).toContain(SUPPORTED_OPS_HINT);
  });

  it("a subgraph attribute on an op other than If/Loop/Scan is unsupported, naming node and attribute", () => {
    const e = egretError(() => importSpec({ ...reluIdentity, nodes: [{ op: "Relu", name: "odd", inputs: ["x"], outputs: ["y"], attrs: { body: { kind: "graph" } } }] }));
    expect(e.code).toBe("unsupported-op");
    expect(e.message).toContain('node "odd" (Relu): attribute "body" is a subgraph; only If, Loop and Scan take subgraphs');
  });

  it("a sparse tensor attribute is rejected", () => {
    const attrs = { value: { kind: "sparse", value: Tensor.scalar("float32", 1) } } as const;
    const e = egretError(() => importSpec({ ...reluIdentity, nodes: [{ op: "Constant", name: "k", inputs: [], outputs: ["y"], attrs }] }));
    expect(e.code).toBe("bad-attribute");
    expect(e.message).toContain('attribute "value" is a sparse tensor');
  });

  it("a missing initializer is reported by the node that needs it", () => {
    const e = egretError(() =>
      importSpec({
        inputs: [{ name: "x", dims: [1, 1, 4, 4] }],
        outputs: ["y"],
        nodes: [{ op: "Conv", name: "conv1", inputs: ["x", "conv1.weight"], outputs: ["y"] }],
      }),
    );
    expect(e.code).toBe("missing-tensor");
    expect(e.message).toContain('node "conv1" (Conv)');
    expect(e.message).toContain('"conv1.weight"');
  });

  it("a required input left empty is reported, not passed to shape inference", () => {
    const e = egretError(() => importSpec({ ...reluIdentity, nodes: [{ op: "Relu", name: "r", inputs: [""], outputs: ["y"] }] }));
    expect(e.code).toBe("missing-tensor");
    expect(e.message).toContain('node "r" (Relu): input 0 is required by Relu');
  });

  it("inconsistent shapes are reported by the node", () => {
    const e = egretError(() =>
      importSpec({
        inputs: [{ name: "a", dims: [2, 3] }, { name: "b", dims: [4, 5] }],
        outputs: ["y"],
        nodes: [{ op: "MatMul", name: "mm", inputs: ["a", "b"], outputs: ["y"] }],
      }),
    );
    expect(e.code).toBe("bad-shape");
    expect(e.message).toContain('node "mm" (MatMul)');
  });

  it("symbolic input dims need --input-shape, and work with it", () => {
    const spec: OnnxModelSpec = { ...reluIdentity, inputs: [{ name: "x", dims: ["batch", 3] }] };
    const e = egretError(() => importSpec(spec));
    expect(e.code).toBe("dynamic-shape");
    expect(e.message).toContain('input "x"');
    expect(e.message).toContain("--input-shape x=1x3");
    const g = importSpec(spec, { inputShapes: new Map([["x", [5, 3]]]) });
    expect(g.inputs[0]!.shape).toEqual([5, 3]);
    expect(g.outputs[0]!.shape).toEqual([5, 3]);
  });

  it("an input of an unsupported type names the input", () => {
    const e = egretError(() => importSpec({ ...reluIdentity, inputs: [{ name: "text", dtype: 8, dims: [1] }] }));
    expect(e.code).toBe("unsupported-dtype");
    expect(e.message).toContain('input "text": has element type STRING');
  });

  it("raw_data of the wrong size names the initializer", () => {
    const obj = modelProtoObject({ ...reluIdentity, initializers: { w: Tensor.fromNumbers("float32", [4], [1, 2, 3, 4]) } });
    const init = (obj.graph as { initializer: { raw_data: Uint8Array }[] }).initializer[0]!;
    init.raw_data = init.raw_data.subarray(0, 12);
    const e = egretError(() => importOnnx(encodeProtoObject(obj), "short.onnx"));
    expect(e.code).toBe("parse");
    expect(e.message).toContain('initializer "w": raw_data has 12 bytes, but float32[4] needs 16');
  });

  it("external tensor data is a clear error", () => {
    const obj = modelProtoObject({ ...reluIdentity, initializers: { w: Tensor.scalar("float32", 1) } });
    const init = (obj.graph as { initializer: Record<string, unknown>[] }).initializer[0]!;
    delete init.raw_data;
    init.data_location = 1;
    init.external_data = [{ key: "location", value: "weights.bin" }];
    const e = egretError(() => importOnnx(encodeProtoObject(obj), "ext.onnx"));
    expect(e.message).toContain('initializer "w": keeps its data in an external file ("weights.bin")');
    expect(e.message).toContain("save_as_external_data=False");
  });

  it("a tensor produced twice is an inconsistency", () => {
    const e = egretError(() => importSpec({ ...reluIdentity, nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }, { op: "Identity", inputs: ["x"], outputs: ["y"] }] }));
    expect(e.code).toBe("parse");
    expect(e.message).toContain('node "Identity_1" (Identity): output "y" is also produced by node "Relu_0" (Relu)');
  });

  it("random truncations and byte flips of real models only ever raise EgretError, quickly", () => {
    const models = [conv, readFileSync(RELU)];
    const mutation = fc.record({
      model: fc.integer({ min: 0, max: models.length - 1 }),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      flips: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), xor: fc.integer({ min: 1, max: 255 }) }), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(mutation, ({ model, cut, flips }) => {
        const src = models[model]!;
        const bytes = Uint8Array.from(src.subarray(0, Math.max(1, Math.ceil(cut * src.length))));
        for (const f of flips) bytes[Math.floor(f.at * bytes.length) % bytes.length]! ^= f.xor;
        const start = performance.now();
        try {
          importOnnx(bytes, "mutated.onnx");
        } catch (e) {
          if (!(e instanceof EgretError)) throw e;
        }
        expect(performance.now() - start).toBeLessThan(1000);
      }),
      { numRuns: 400, seed: 20240601 },
    );
  });
});
