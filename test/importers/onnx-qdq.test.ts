import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importModelFile, runGraph, Tensor } from "../../src/index.js";
import { runBatchC } from "../support/batch-run.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { registeredOps, runCase } from "../conformance/onnx-backend.js";

/**
 * Pre-quantized ONNX (issue 5 item 5). The models are written by test/fixtures/qdq/make-qdq-models.py
 * with Debian's python3-onnx; onnxruntime-node is the reference. Egret maps the layers onto the
 * TFLite-exact integer kernels (fixed-point requantization, round half away) where onnxruntime
 * requantizes in float32 (round half to even), so outputs must agree within one quantization step.
 */

/** Random inputs per model (in [-1.2, 1.2]: a little outside the calibrated range, so inputs also saturate). */
const SAMPLES = 16;

const dir = mkdtempSync(join(tmpdir(), "egret-qdq-"));
beforeAll(() => {
  execFileSync("/usr/bin/python3", [join(import.meta.dirname, "..", "fixtures", "qdq", "make-qdq-models.py"), dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function onnxruntime(path: string, x: Tensor): Promise<number[]> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const result = await session.run({ x: new ort.Tensor("float32", x.data as Float32Array, [...x.shape]) });
    return Array.from(Object.values(result)[0]!.data as ArrayLike<number>);
  } finally {
    await session.release();
  }
}

/** Model -> ops the import must produce (the integer kernels, or the fallback ops). */
const MODELS: Record<string, readonly string[]> = {
  conv_relu_int8: ["QConv2D"],
  conv_relu_uint8: ["QConv2D", "QRequantize"],
  depthwise_int8: ["QDepthwiseConv2D"],
  depthwise_uint8: ["QDepthwiseConv2D"],
  gemm_int8: ["QFullyConnected"],
  gemm_uint8: ["QFullyConnected"],
  cnn_int8: ["QConv2D", "QFullyConnected", "QMaxPool2D"],
  cnn_uint8: ["QConv2D", "QFullyConnected", "QMaxPool2D"],
  qlinear_uint8: ["QConv2D", "QFullyConnected"],
  residual_int8: ["QConv2D", "QAdd", "QMul"],
  residual_uint8: ["QConv2D", "QAdd", "QMul"],
  fakequant_int8: ["QConv2D"],
  fakequant_uint8: ["QConv2D"],
  fallback_uint8: ["QLinearConv", "DequantizeLinear", "Gemm"],
};

describe("pre-quantized ONNX models against onnxruntime", () => {
  for (const [model, ops] of Object.entries(MODELS)) {
    it(`${model}: ${ops.join(", ")}; C (ASan/UBSan) within one step of onnxruntime, C == interpreter`, async () => {
      const path = join(dir, `${model}.onnx`);
      const graph = importModelFile(path);
      const used = new Set(graph.nodes.map((n) => n.op));
      for (const op of ops) expect(used, `ops of ${model}`).toContain(op);
      if (!model.startsWith("fallback")) {
        for (const op of ["QLinearConv", "QLinearMatMul", "Conv", "Gemm", "MatMul", "MaxPool", "Add", "Mul", "Relu", "DequantizeLinear"]) expect(used).not.toContain(op);
        // uint8 layers hand int8 to each other: only a uint8 graph output needs a shift back.
        expect(graph.nodes.filter((n) => n.op === "Cast").length).toBeLessThanOrEqual(1);
      }
      const shape = graph.inputs[0]!.shape;
      const samples = Array.from({ length: SAMPLES }, (_, i) => randomTensor(shape, model.length * 7919 + i, -1.2, 1.2));
      const bytes = new Uint8Array(samples.reduce((n, t) => n + t.byteLength, 0));
      samples.forEach((t, i) => bytes.set(t.bytes(), i * t.byteLength));
      const out = graph.outputs[0]!;
      const c = Tensor.fromBytes(out.dtype, [SAMPLES, ...out.shape], runBatchC(graph, bytes, SAMPLES, SANITIZE_CFLAGS)).toNumbers();
      const per = c.length / SAMPLES;
      let worst = 0;
      let differing = 0;
      for (let s = 0; s < SAMPLES; s++) {
        const want = await onnxruntime(path, samples[s]!);
        expect(want).toHaveLength(per);
        const got = c.subarray(s * per, (s + 1) * per);
        got.forEach((v, i) => {
          const d = Math.abs(v - want[i]!);
          worst = Math.max(worst, d);
          if (d !== 0) differing++;
        });
        expect(Array.from(runGraph(graph, [samples[s]!])[0]!.toNumbers()), `interpreter, sample ${s}`).toEqual(Array.from(got));
      }
      console.log(`${model}: ${differing} of ${c.length} outputs differ from onnxruntime, by at most ${worst} step(s)`);
      expect(worst, "largest difference in quantization steps").toBeLessThanOrEqual(1);
    });
  }
});

describe("ONNX quantization ops (run-time parameters)", () => {
  it("QuantizeLinear rounds half to even and saturates (the ONNX spec example)", () => {
    const x = Tensor.fromNumbers("float32", [6], [0, 2, 3, 1000, -254, -1000]);
    const { graph, feeds } = singleNodeGraph("QuantizeLinear", [{ value: x }, { value: Tensor.scalar("float32", 2) }, { value: Tensor.scalar("uint8", 128) }]);
    const want = [128, 129, 130, 255, 1, 0];
    expect(Array.from(runGraph(graph, feeds)[0]!.toNumbers())).toEqual(want);
    expect(Array.from(compileAndRun(graph, feeds)[0]!.toNumbers())).toEqual(want);
  });

  it("DequantizeLinear per axis: (x - zp[c]) * scale[c], values worked by hand", () => {
    const x = Tensor.fromNumbers("uint8", [1, 3, 1, 2], [3, 89, 34, 200, 74, 59]);
    const inputs = [{ value: x }, { value: Tensor.fromNumbers("float32", [3], [2, 4, 5]) }, { value: Tensor.fromNumbers("uint8", [3], [0, 2, 90]) }];
    const { graph, feeds } = singleNodeGraph("DequantizeLinear", inputs, { axis: 1 });
    const want = [6, 178, 128, 792, -80, -155];
    expect(Array.from(runGraph(graph, feeds)[0]!.toNumbers())).toEqual(want);
    expect(Array.from(compileAndRun(graph, feeds)[0]!.toNumbers())).toEqual(want);
  });

  it("QuantizeLinear of random data: the C equals the interpreter", () => {
    const x = randomTensor([2, 3, 5], 11, -3, 3);
    const inputs = [{ value: x }, { value: Tensor.fromNumbers("float32", [3], [0.01, 0.02, 0.05]) }, { value: Tensor.fromNumbers("int8", [3], [-3, 0, 7]) }];
    const { graph, feeds } = singleNodeGraph("QuantizeLinear", inputs, { axis: 1 });
    const c = Array.from(compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS })[0]!.toNumbers());
    expect(c).toEqual(Array.from(runGraph(graph, feeds)[0]!.toNumbers()));
    expect(new Set(c).size).toBeGreaterThan(20);
  });

  it("names the node and the expected bias type of a bad QLinearConv", () => {
    const u8 = (shape: number[]) => ({ value: new Tensor("uint8", shape) });
    const f = { value: Tensor.scalar("float32", 0.5) };
    const z = { value: Tensor.scalar("uint8", 0) };
    const e = errorOf(() => singleNodeGraph("QLinearConv", [u8([1, 1, 3, 3]), f, z, u8([2, 1, 1, 1]), f, z, f, z, { value: new Tensor("float32", [2]) }]));
    expect(e.message).toMatch(/QLinearConv.*B must be int32\[2\], got float32\[2\]/);
  });
});

describe("ONNX backend node cases of the quantization ops", () => {
  const CASES = [
    "test_quantizelinear", "test_quantizelinear_axis", "test_dequantizelinear", "test_dequantizelinear_axis",
    "test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D",
  ];
  it("pass through the conformance harness (exact integer outputs)", async () => {
    const registry = registeredOps();
    const outcomes = [];
    for (const name of CASES) outcomes.push(await runCase("node", name, registry));
    expect(outcomes.map((o) => `${o.name}: ${o.status}${o.status === "failed" ? ` (${o.reason})` : ""}`)).toEqual(CASES.map((c) => `${c}: passed`));
  });
});
