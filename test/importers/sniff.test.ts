/**
 * Format detection (src/importers/sniff.ts) on damaged files (issue 12): a truncated ONNX file is
 * ONNX and gets the ONNX reader's truncation error (it was reported as "not a valid Caffe model"),
 * and a corrupt TensorFlow .pb is never reported as ONNX.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BinaryMutator } from "../../bench/mutation/mutators.js";
import { Prng } from "../../bench/mutation/prng.js";
import { EgretError } from "../../src/errors.js";
import { importModelBytes } from "../../src/importers/index.js";
import { readTopLevelFields } from "../../src/importers/protobuf.js";
import { sniffFormat } from "../../src/importers/sniff.js";
import { Tensor } from "../../src/ir/tensor.js";
import { encodeOnnxModel } from "../support/onnx-builder.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { SHARED } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const shared = SHARED;
const NEEDS_SHARED = "format detection on corpus files";
const models = shared === undefined ? "" : join(shared, "models");
const work = mkdtempSync(join(tmpdir(), "egret-sniff-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A small ONNX model written by the test's own builder (no corpus needed). */
const onnxBytes = encodeOnnxModel({
  inputs: [{ name: "x", dims: [1, 4] }],
  outputs: ["y"],
  nodes: [{ op: "Gemm", inputs: ["x", "w", "b"], outputs: ["y"], name: "fc" }],
  initializers: { w: Tensor.fromNumbers("float32", [4, 3], Array.from({ length: 12 }, (_, i) => i / 12)), b: Tensor.fromNumbers("float32", [3], [1, 2, 3]) },
});

function importError(bytes: Uint8Array, name: string): string {
  try {
    importModelBytes(bytes, name);
  } catch (e) {
    if (e instanceof EgretError) return e.message;
    throw e;
  }
  return "imported";
}

describe("format detection of damaged files", () => {
  it("every truncation of an ONNX file is ONNX, with or without the .onnx extension", () => {
    for (let cut = 2; cut < onnxBytes.length; cut++) {
      const prefix = onnxBytes.subarray(0, cut);
      expect(sniffFormat(prefix, "model.onnx"), `cut at ${cut}`).toBe("onnx");
      expect(sniffFormat(prefix, "model.bin"), `cut at ${cut}`).toBe("onnx");
    }
  });

  it("a truncated ONNX file gets the ONNX reader's truncation error, never Caffe's", () => {
    let insideAField = 0;
    for (let cut = 2; cut < onnxBytes.length; cut++) {
      const prefix = onnxBytes.subarray(0, cut);
      const m = importError(prefix, "cut.onnx");
      expect(m, `cut at ${cut}`).not.toMatch(/Caffe|TensorFlow/);
      // A cut between two top-level fields leaves a shorter valid message (no graph, or no opset).
      if (!readTopLevelFields(prefix).truncated) continue;
      insideAField++;
      expect(m, `cut at ${cut}`).toMatch(/^model file cut\.onnx: is not a valid ONNX model \(truncated: top-level field \d+ runs past the end of the file at byte \d+/);
    }
    expect(insideAField).toBeGreaterThan(onnxBytes.length - 12);
  });

  it("egret info on a truncated corpus ONNX file reports ONNX truncation (separate process)", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const original = readFileSync(join(models, "onnx/onnx2c/test/mnist/model.onnx"));
    const file = join(work, "mnist-cut.onnx");
    writeFileSync(file, original.subarray(0, Math.floor(original.length * 0.6)));
    const r = spawnSync("node", [EGRET, "info", file], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^egret: error: model file .*mnist-cut\.onnx: is not a valid ONNX model \(truncated: top-level field 7 runs past the end/);
    expect(r.stderr).not.toMatch(/Caffe/);
  });

  it("mutated TensorFlow .pb files are TensorFlow, never ONNX; mutated ONNX and Caffe files keep their format", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const cases: [string, string][] = [["tf/kws-cnn-k210/mod.pb", "tf"], ["tf/mnist-cnn/mnist.pb", "tf"], ["tf/tf2onnx/fc-layers.frozen.pb", "tf"], ["onnx/onnx2c/test/mnist/model.onnx", "onnx"], ["caffe/resnet50-head/test.caffemodel", "caffe"]];
    for (const [file, format] of cases) {
      const mutator = new BinaryMutator(new Uint8Array(readFileSync(join(models, file))), "protobuf");
      const rng = new Prng(12);
      for (let i = 0; i < 600; i++) {
        const m = mutator.mutate(rng);
        expect(sniffFormat(m.bytes, file), `${file}: ${m.description}`).toBe(format);
      }
    }
  });

  it("a corrupt .pb is reported by the TensorFlow reader", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const original = new Uint8Array(readFileSync(join(models, "tf/mnist-cnn/mnist.pb")));
    const cut = importError(original.subarray(0, 5000), "mnist.pb");
    expect(cut).toMatch(/mnist\.pb: is not a valid TensorFlow GraphDef \(truncated/);
    const flipped = original.slice();
    flipped[0] = 0x08; // the first tag becomes a varint field 1: ONNX's ir_version
    expect(importError(flipped, "mnist.pb")).not.toMatch(/ONNX/);
  });

  it("misnamed intact files are still told apart by content", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    expect(sniffFormat(onnxBytes, "model.pb")).toBe("onnx");
    expect(sniffFormat(new Uint8Array(readFileSync(join(models, "caffe/resnet50-head/test.caffemodel"))), "weights.pb")).toBe("caffe");
    expect(sniffFormat(new Uint8Array(readFileSync(join(models, "tf/mnist-cnn/mnist.pb"))), "graph.onnx")).toBe("tf");
  });

  it("a damaged magic number falls back to the extension of a format that has one", () => {
    const junk = new Uint8Array(64).fill(0x41);
    expect(sniffFormat(junk, "m.tflite")).toBe("tflite");
    expect(sniffFormat(junk, "m.h5")).toBe("keras");
    expect(sniffFormat(junk, "m.kmodel")).toBe("kmodel");
    expect(importError(junk, "m.kmodel")).toMatch(/m\.kmodel: is named \.kmodel but does not start like one/);
  });
});
