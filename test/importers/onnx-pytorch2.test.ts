import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importModelFile, runGraph, Tensor } from "../../src/index.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * A model shaped like PyTorch 2's exporter output (opset 18, model-local functions with attribute
 * references and a nested call, Resize with `axes` and antialias, ReduceMean / ReduceMax with an
 * axes input), written by test/fixtures/functions/make-pytorch2-model.py with python3-onnx:
 * Egret compiles it and the C matches onnxruntime within the conformance tolerance.
 */

const dir = mkdtempSync(join(tmpdir(), "egret-pt2-"));
const path = join(dir, "pytorch2.onnx");
beforeAll(() => {
  execFileSync("/usr/bin/python3", [join(import.meta.dirname, "..", "fixtures", "functions", "make-pytorch2-model.py"), path], { timeout: CHILD_TIMEOUT_MS });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function onnxruntime(x: Tensor): Promise<Tensor[]> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const result = await session.run({ x: new ort.Tensor("float32", x.data as Float32Array, [...x.shape]) });
    return session.outputNames.map((n) => new Tensor("float32", result[n]!.dims, result[n]!.data as Float32Array));
  } finally {
    await session.release();
  }
}

describe("a PyTorch-2-style ONNX model (opset 18, local functions)", () => {
  it("imports with its functions inlined and the opset-18 forms kept", () => {
    const graph = importModelFile(path);
    const ops = graph.nodes.map((n) => n.op);
    expect(ops.filter((o) => o.startsWith("pkg."))).toEqual([]);
    expect(ops.filter((o) => o === "Conv")).toHaveLength(2);
    const resizes = graph.nodes.filter((n) => n.op === "Resize");
    expect(resizes.map((n) => n.attrs["axes"])).toEqual([[2, 3], [2, 3]]);
    expect(resizes[0]!.attrs["antialias"]).toBe(1);
    // The attribute references reached the inlined LeakyRelus: 0.1 from the call, 0.2 through Down's "slope".
    expect(graph.nodes.filter((n) => n.op === "LeakyRelu").map((n) => Math.fround(n.attrs["alpha"] as number))).toEqual([Math.fround(0.1), Math.fround(0.2)]);
  });

  it("compiles, and the C (ASan/UBSan) matches onnxruntime on random inputs", async () => {
    const graph = importModelFile(path);
    for (const seed of [1, 2, 3]) {
      const x = randomTensor([1, 3, 16, 16], seed, -2, 2);
      const want = await onnxruntime(x);
      const got = compileAndRun(graph, [x], { cflags: SANITIZE_CFLAGS });
      const interp = runGraph(graph, [x]);
      want.forEach((w, i) => {
        expect(got[i]!.shape).toEqual(w.shape);
        const c = compareClose(got[i]!, w, 1e-4, 1e-5);
        expect(c.ok, `output ${i}, seed ${seed}: max abs error ${c.maxAbs} at ${c.where}`).toBe(true);
        expect(compareClose(interp[i]!, w, 1e-4, 1e-5).ok).toBe(true);
      });
      expect(new Set(got[0]!.toArray()).size).toBeGreaterThan(100);
    }
  });
});
