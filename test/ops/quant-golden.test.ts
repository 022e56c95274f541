import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile, runGraph, Tensor } from "../../src/index.js";
import { compileAndRun } from "../support/c-run.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/**
 * The integer ops against TensorFlow Lite Micro's reference kernels on real data: MLPerf Tiny KWS
 * (DS-CNN: conv, depthwise conv, average pool, fully connected, softmax), IC (ResNet-8: conv,
 * add, average pool, FC, softmax) and TFLM's person_detect (MobileNet) with their 8 golden
 * input/output pairs each
 * (../shared/golden/<model>/multi), through the TypeScript evaluator, and pair 0 through the C.
 */
const MODELS: readonly [string, string][] = [
  ["kws_ref_model", "mlperf-tiny/kws/kws_ref_model.tflite"],
  ["pretrainedResnet_quant", "mlperf-tiny/ic/pretrainedResnet_quant.tflite"],
  ["person_detect", "tflm-models/person_detect.tflite"],
];

describe("MLPerf Tiny models vs TFLite Micro goldens", () => {
  for (const [golden, model] of MODELS) {
    it(`${golden}: all 8 multi/ outputs bit-exact (evaluator), pair 0 bit-exact (C)`, (ctx) => {
      const shared = sharedOrSkip(ctx, `the ${golden} golden comparison`);
      const dir = join(shared, "golden", golden, "multi");
      const graph = importModelFile(join(shared, "models", "tflite", model));
      const input = graph.inputs[0]!;
      const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
      for (let k = 0; k < 8; k++) {
        const x = Tensor.fromBytes(input.dtype, input.shape, read(`input_${k}_0.bin`));
        const want = Array.from(new Int8Array(read(`output_${k}_0.bin`).buffer));
        const [y] = runGraph(graph, [x]);
        expect(Array.from(y!.toNumbers()), `pair ${k}`).toEqual(want);
        if (k === 0) expect(Array.from(compileAndRun(graph, [x])[0]!.toNumbers()), "C, pair 0").toEqual(want);
      }
    });
  }
});
