import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { importKeras, kerasReady } from "../../src/importers/keras/index.js";
import { importTfGraphDef } from "../../src/importers/tf/index.js";
import { runBatchC } from "../support/batch-run.js";
import { readGrayBmp } from "../support/bmp.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";
import { seeded } from "./tf-graphdef.js";

const useShared = sharedFor("Keras .h5 corpus tests (kws-cnn-k210 .pb vs .h5, pretrainedResnet.h5)");

beforeAll(() => kerasReady());

describe("Keras .h5 corpus", () => {
  it("kws-cnn-k210: mod.pb and mod.h5 agree within rtol 1e-4 on the sample BMPs (interpreter and C)", (ctx) => {
    const shared = useShared(ctx);
    const dir = join(shared, "models/tf/kws-cnn-k210");
    const shapes = { inputShapes: new Map([["conv2d_1_input", [1, 128, 64, 1]]]) };
    const pb = importTfGraphDef(readFileSync(join(dir, "mod.pb")), "mod.pb", shapes);
    const h5 = importKeras(readFileSync(join(dir, "mod.h5")), "mod.h5", shapes);
    const bmps = readdirSync(join(dir, "audio_feature")).filter((f) => f.endsWith(".bmp")).sort();
    expect(bmps.length).toBeGreaterThan(0);
    // kendryte-model-compiler feeds 8-bit images as pixel / 255.
    const samples = bmps.map((file) => {
      const image = readGrayBmp(join(dir, "audio_feature", file));
      expect([image.height, image.width]).toEqual([128, 64]);
      return Tensor.fromNumbers("float32", [1, 128, 64, 1], Array.from(image.pixels, (p) => p / 255));
    });
    const batch = new Uint8Array(samples.flatMap((t) => Array.from(t.bytes())));
    const cOutputs = (graph: typeof pb) => {
      const out = new Float32Array(runBatchC(graph, batch, samples.length).buffer);
      return samples.map((_, i) => Tensor.fromNumbers("float32", [1, 7], out.subarray(7 * i, 7 * i + 7)));
    };
    const [pbC, h5C] = [cOutputs(pb), cOutputs(h5)];
    let worst = 0;
    samples.forEach((x, i) => {
      const pairs = [
        ["interpreter", runGraph(h5, [x])[0]!, runGraph(pb, [x])[0]!],
        ["C", h5C[i]!, pbC[i]!],
      ] as const;
      for (const [where, fromH5, fromPb] of pairs) {
        const cmp = compareClose(fromH5, fromPb, 1e-4, 1e-6);
        worst = Math.max(worst, cmp.maxAbs);
        expect(cmp.ok, `${bmps[i]} ${where}: max |diff| ${cmp.maxAbs}`).toBe(true);
      }
      // The C build matches its own interpreter too.
      expect(compareClose(pbC[i]!, runGraph(pb, [x])[0]!).ok).toBe(true);
    });
    console.log(`kws-cnn-k210: ${bmps.length} BMPs, pb vs h5 max |diff| ${worst.toExponential(2)}`);
  });

  it("pretrainedResnet.h5 (functional, Keras 2.4) imports, compiles and runs", (ctx) => {
    const shared = useShared(ctx);
    const model = join(shared, "models/tflite/mlperf-tiny/ic/pretrainedResnet.h5");
    const graph = importKeras(readFileSync(model), model, { inputShapes: new Map([["input_1", [1, 32, 32, 3]]]) });
    expect(graph.outputs[0]!.shape).toEqual([1, 10]);
    expect(graph.nodes.filter((n) => n.op === "Conv")).toHaveLength(9);
    const x = Tensor.fromNumbers("float32", [1, 32, 32, 3], seeded(32 * 32 * 3, 21).map((v) => (v + 1) * 127.5));
    const expected = runGraph(graph, [x])[0]!;
    const sum = expected.toArray().reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-4);
    expect(compareClose(compileAndRun(graph, [x])[0]!, expected).ok).toBe(true);
  });
});
