import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, importModelFile, runGraph, Tensor } from "../../src/index.js";
import { runBatchC } from "../support/batch-run.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * int4 weights (opset 21 QDQ, written by test/fixtures/qdq/make-int4-model.py with python3-onnx):
 * the layers run on the integer kernels with onnxruntime's arithmetic, so the int8 output is
 * bit-exact with onnxruntime's; the weights stay packed two per byte in flash, half of what the
 * same model with int8 weights takes.
 */

const SAMPLES = 24;
const dir = mkdtempSync(join(tmpdir(), "egret-int4-"));
beforeAll(() => {
  execFileSync("/usr/bin/python3", [join(import.meta.dirname, "..", "fixtures", "qdq", "make-int4-model.py"), dir], { timeout: CHILD_TIMEOUT_MS });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function onnxruntime(path: string, inputs: readonly Tensor[]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const out: number[][] = [];
    for (const x of inputs) {
      const result = await session.run({ x: new ort.Tensor("float32", x.data as Float32Array, [...x.shape]) });
      out.push(Array.from(result["y"]!.data as Int8Array));
    }
    return out;
  } finally {
    await session.release();
  }
}

describe("int4-weight QDQ models", () => {
  it("map onto the integer kernels with the int4 weights kept as int4", () => {
    const graph = importModelFile(join(dir, "model_int4.onnx"));
    expect(graph.nodes.map((n) => n.op)).toEqual(expect.arrayContaining(["QLinearConv", "QLinearMatMul"]));
    for (const op of ["Conv", "MatMul", "DequantizeLinear"]) expect(graph.nodes.map((n) => n.op)).not.toContain(op);
    const weights = graph.nodes.filter((n) => n.op.startsWith("QLinear")).map((n) => graph.constants.get(n.inputs[3]!)!.dtype);
    expect(weights).toEqual(["int4", "int4"]);
  });

  it("run bit-exact with onnxruntime (C under ASan/UBSan and the interpreter)", async () => {
    const path = join(dir, "model_int4.onnx");
    const graph = importModelFile(path);
    const samples = Array.from({ length: SAMPLES }, (_, i) => randomTensor([1, 4, 8, 8], 400 + i, -3, 3));
    const want = await onnxruntime(path, samples);
    const bytes = new Uint8Array(samples.reduce((n, t) => n + t.byteLength, 0));
    samples.forEach((t, i) => bytes.set(t.bytes(), i * t.byteLength));
    const c = Array.from(Tensor.fromBytes("int8", [SAMPLES, 10], runBatchC(graph, bytes, SAMPLES, SANITIZE_CFLAGS)).data as Int8Array);
    const interp = samples.flatMap((x) => Array.from(runGraph(graph, [x])[0]!.data as Int8Array));
    expect(c).toEqual(want.flat());
    expect(interp).toEqual(want.flat());
    // The outputs use the int8 range instead of saturating.
    expect(new Set(c).size).toBeGreaterThan(30);
  });

  it("keep the weights packed: half the flash bytes of the same weights as int8", () => {
    const source = (kind: string) => compile(importModelFile(join(dir, `model_${kind}.onnx`))).files.get("model.c")!;
    const arrays = (c: string, type: string) => [...c.matchAll(new RegExp(`static const ${type} (w_\\w+)\\[(\\d+)\\]`, "g"))].map((m) => ({ name: m[1]!, size: Number(m[2]) }));
    // int8 twin: the conv (8x3x3x4 after the layout change) and matmul (10x288) weights, one byte each.
    const int8 = arrays(source("int8"), "int8_t").filter((a) => a.size === 8 * 4 * 3 * 3 || a.size === 288 * 10);
    expect(int8.map((a) => a.size).sort((a, b) => a - b)).toEqual([288, 2880]);
    // int4: the same weights packed, two per byte; no unpacked copy in flash.
    const int4Source = source("int4");
    const packed = arrays(int4Source, "uint8_t").filter((a) => a.name.endsWith("_packed"));
    expect(packed.map((a) => a.size).sort((a, b) => a - b)).toEqual([144, 1440]);
    expect(packed.reduce((n, a) => n + a.size, 0) * 2).toBe(int8.reduce((n, a) => n + a.size, 0));
    expect(arrays(int4Source, "int8_t").filter((a) => a.size === 288 || a.size === 2880)).toEqual([]);
  });
});
