import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { measureOnTarget } from "../../backends/cortex-m/measure.js";
import { importModelFile } from "../../src/importers/index.js";
import { Tensor } from "../../src/index.js";
import { compileAndRun } from "../support/c-run.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/**
 * The three MLPerf Tiny / TFLM int8 models run under QEMU on Cortex-M4 (mps2-an386) and M7
 * (mps2-an500): outputs bit-exact with TFLite Micro's golden outputs (../shared/golden/<model>/multi)
 * and with the host build of the same model, and a positive instruction count per inference.
 */
const MODELS: readonly [string, string, number][] = [
  // golden folder, model path under models/tflite, golden pair used
  ["kws_ref_model", "mlperf-tiny/kws/kws_ref_model.tflite", 1],
  ["pretrainedResnet_quant", "mlperf-tiny/ic/pretrainedResnet_quant.tflite", 2],
  ["person_detect", "tflm-models/person_detect.tflite", 0],
];
const TARGETS = ["cortex-m4", "cortex-m7"] as const;

const work = mkdtempSync(join(tmpdir(), "egret-cm-qemu-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("int8 models under QEMU match TFLite Micro and the host build", () => {
  for (const [golden, model, pair] of MODELS) {
    it(`${golden}: cortex-m4 and cortex-m7 outputs bit-exact (golden pair ${pair})`, (ctx) => {
      const shared = sharedOrSkip(ctx, `the ${golden} QEMU run`);
      const graph = importModelFile(join(shared, "models", "tflite", model));
      const dir = join(shared, "golden", golden, "multi");
      const input = new Uint8Array(readFileSync(join(dir, `input_${pair}_0.bin`)));
      const want = Array.from(new Uint8Array(readFileSync(join(dir, `output_${pair}_0.bin`))));
      const x = graph.inputs[0]!;
      const host = compileAndRun(graph, [Tensor.fromBytes(x.dtype, x.shape, input)]);
      expect(Array.from(host[0]!.bytes()), "host build vs golden").toEqual(want);
      for (const target of TARGETS) {
        const m = measureOnTarget(graph, { target, inputs: [input], inferences: 1, dir: join(work, `${golden}-${target}`) });
        expect(Array.from(m.run.outputs[0]!), `${target} vs golden`).toEqual(want);
        expect(m.run.instructionsPerInference).toBeGreaterThan(0);
      }
    });
  }
});
