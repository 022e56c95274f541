import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { importTflite } from "../../src/importers/tflite/index.js";
import { runBatchC } from "../support/batch-run.js";
import { sharedFor } from "../support/shared-skip.js";

/**
 * In-place execution on the MLPerf Tiny / TFLM int8 models: the arena falls below the layer-wise
 * bound (every tensor whole, which is also TFLite Micro's activation head), and the in-place
 * program still matches TFLite Micro bit for bit on the 8 multi/ golden pairs.
 */
const useShared = sharedFor("in-place arenas and golden outputs of kws_ref_model, person_detect, pretrainedResnet_quant");

const MODELS = [
  // name, model, layer-wise bound, in-place arena (host)
  ["person_detect", "models/tflite/tflm-models/person_detect.tflite", 55296, 37296],
  ["kws_ref_model", "models/tflite/mlperf-tiny/kws/kws_ref_model.tflite", 16000, 10048],
  ["pretrainedResnet_quant", "models/tflite/mlperf-tiny/ic/pretrainedResnet_quant.tflite", 49152, 33312],
] as const;

describe.each(MODELS)("in-place %s", (name, model, layerwise, arena) => {
  it("plans below the layer-wise bound and stays bit-exact with TFLite Micro", (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(new Uint8Array(readFileSync(join(shared, model))), `${name}.tflite`);
    const inPlace = compile(graph).summary;
    const plain = compile(graph, { inPlace: false }).summary;
    console.log(`${name}: arena ${inPlace.arenaBytes} B in place (${inPlace.inPlaceNodes} nodes overwrite an input), ${plain.arenaBytes} B without; layer-wise bound ${inPlace.arenaLowerBound}, this schedule's bound ${inPlace.arenaScheduleBound}`);
    expect(plain.arenaBytes).toBe(layerwise);
    expect(inPlace.arenaLowerBound).toBe(layerwise);
    expect(inPlace.arenaBytes).toBe(arena);
    expect(inPlace.arenaScheduleBound).toBeLessThanOrEqual(inPlace.arenaBytes);
    expect(inPlace.inPlaceNodes).toBeGreaterThan(0);

    const dir = join(shared, "golden", name, "multi");
    const inputs = Array.from({ length: 8 }, (_, k) => new Uint8Array(readFileSync(join(dir, `input_${k}_0.bin`))));
    const want = Array.from({ length: 8 }, (_, k) => Array.from(new Uint8Array(readFileSync(join(dir, `output_${k}_0.bin`)))));
    const got = runBatchC(graph, new Uint8Array(inputs.flatMap((b) => Array.from(b))), 8);
    const size = want[0]!.length;
    want.forEach((w, k) => expect(Array.from(got.subarray(size * k, size * (k + 1))), `pair ${k}`).toEqual(w));
  });
});
