import { describe, expect, it } from "vitest";
import { converter, measure, prepare } from "../../bench/ptq-compare.js";
import { CORPUS_PAIRS } from "../../bench/ptq-models.js";
import { runGraph } from "../../src/index.js";
import { DEFAULT_CALIBRATION_METHOD } from "../../src/quantize/ranges/index.js";
import { DEFAULT_WEIGHT_ROUNDING } from "../../src/quantize/weight-rounding.js";
import { compileAndRun } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";
import { letWorkerTalk } from "../support/yield.js";

const useShared = sharedFor("post-training quantization vs the TensorFlow converter (IC ResNet-8 and its large twin, KWS DS-CNN, hello_world)");

/**
 * Issue 14's done-when: on every float/int8 pair of the corpus, Egret's int8 program with the
 * defaults (the same for every network) tracks the float model at least as well as the converter's
 * int8 model (output SQNR over evaluation inputs never used for calibration; the converter's model
 * runs through Egret's bit-exact integer path). bench:ptq prints every method's figures.
 */
describe("PTQ defaults vs the TensorFlow converter's int8 models", () => {
  it.for(CORPUS_PAIRS.map((p) => [p.name, p] as const))("%s: default SQNR >= the converter's; nothing stays float", async ([, pair], ctx) => {
    const shared = useShared(ctx);
    const c = pair.make(shared);
    // The stages below take tens of seconds each on a loaded machine: the worker talks to vitest between them.
    await letWorkerTalk();
    const p = prepare(c);
    await letWorkerTalk();
    const ours = measure(c, p, DEFAULT_CALIBRATION_METHOD, DEFAULT_WEIGHT_ROUNDING);
    await letWorkerTalk();
    const theirs = converter(c.tfGraph, c, p);
    await letWorkerTalk();
    console.log(`${c.name}: SQNR default ${ours.sqnrDb.toFixed(2)} dB, converter ${theirs.sqnrDb.toFixed(2)} dB; top-1 agreement ${ours.top1.toFixed(3)} / ${theirs.top1.toFixed(3)} (${c.evalSet.length} inputs)`);
    expect(ours.result.fallbacks).toEqual([]);
    expect(ours.sqnrDb).toBeGreaterThanOrEqual(theirs.sqnrDb);
    if (c.name === "IC ResNet-8") {
      // The generated C equals the integer evaluator on a real input.
      const sample = c.evalSet[4]!;
      expect(compileAndRun(ours.result.graph, sample)[0]!.bytes()).toEqual(runGraph(ours.result.graph, sample)[0]!.bytes());
    }
  });
});
