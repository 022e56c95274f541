import { Command } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { autoencoderCase, mobilenetCase, type SyntheticCase } from "../../bench/ptq-synthetic.js";
import { addQuantizeOptions, quantizeOptionsFrom, readSamples, type QuantizeCliOptions } from "../../src/cli/quantize-options.js";
import { writeNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { quantizeModel } from "../../src/index.js";
import { OPS } from "../support/toolchain.js";
import type { QuantizeDType } from "../../src/quantize/ptq.js";
import { LayerComparison } from "../../src/quantize/layer-compare.js";
import { SqnrAccumulator } from "../../src/quantize/metrics.js";

const dir = mkdtempSync(join(tmpdir(), "egret-collapse-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `egret compile`'s quantization options with nothing but `--quantize int8 --calib FILE`: the defaults. */
function defaultOptions(calib: string): QuantizeCliOptions & { quantize: QuantizeDType } {
  const cmd = addQuantizeOptions(new Command().exitOverride());
  cmd.parse(["--quantize", "int8", "--calib", calib, "--quiet"], { from: "user" });
  return cmd.opts<QuantizeCliOptions & { quantize: QuantizeDType }>();
}

/**
 * Quantizes with the defaults (calibration samples saved as one .npy batch, read back as compile
 * reads --calib) and measures it on the evaluation set. The guard-rail check compile runs after
 * fitting (about five more calibrations) is left out: it changes nothing in the program, and
 * test/quantize/held-out.test.ts covers it. One run of each program per evaluation sample gives
 * both the output and every layer; the reference is the float program the integer one was
 * fitted to (the import with BatchNorm folded: float rounding apart, the same function).
 */
function withDefaults(c: SyntheticCase): { output: number; worstLayer: number; worstName: string } {
  const file = join(dir, `${c.floatGraph.name}.npy`);
  const first = c.calib[0]![0]!;
  const batch = new Float32Array(c.calib.length * first.size);
  c.calib.forEach((s, i) => batch.set(s[0]!.data as Float32Array, i * first.size));
  writeNpy(file, new Tensor("float32", [c.calib.length, ...first.shape.slice(1)], batch));
  const opts = defaultOptions(file);
  // What `egret compile` does with these options (read the samples, the library's quantize phase), the guard-rail left out.
  const q = quantizeModel(c.floatGraph, { quantize: { ...quantizeOptionsFrom(opts)!, guardRail: false }, calibration: readSamples(c.floatGraph, file, opts) }).result;
  const output = new SqnrAccumulator();
  const layers = new LayerComparison(q.floatProgram, q.graph, q.copies, OPS, q.floors);
  for (const s of c.evalSet) {
    const { float, quantized } = layers.add(s);
    output.add(float[0]!.toNumbers(), quantized[0]!.toNumbers());
  }
  const worst = layers.results().reduce((a, b) => (b.sqnrDb < a.sqnrDb ? b : a));
  console.log(`${c.name}, defaults: output SQNR ${output.db.toFixed(2)} dB, worst layer ${worst.tensor} ${worst.sqnrDb.toFixed(2)} dB`);
  return { output: output.db, worstLayer: worst.sqnrDb, worstName: worst.tensor };
}

/**
 * Issue 14's reproducer: the two MLPerf Tiny networks on which the old default (`kl`) collapsed,
 * constructed with their shapes and activation statistics (bench/ptq-synthetic.ts): calibrated on
 * a handful of samples with nothing but `--quantize int8 --calib`, measured on other samples. With
 * `kl`, the autoencoder's input (all negative, far from 0) was clipped to a sliver and the
 * MobileNet's ReLU6 layers were clipped to a fraction of their range (17 % of one layer's values):
 * output SQNR near 11 dB and layers below 0 dB (the worst layer with min/max ranges: about 18 dB).
 */
describe("PTQ defaults do not collapse on networks they were not tuned on", () => {
  it("FC autoencoder 640-128x4-8-128x4-640 (BatchNorm + ReLU): output >= 30 dB, every layer >= 15 dB", () => {
    const r = withDefaults(autoencoderCase());
    expect(r.output).toBeGreaterThanOrEqual(30);
    expect(r.worstLayer).toBeGreaterThanOrEqual(15);
  });

  it("MobileNetV1-0.25 ReLU6 stack (48x48 input, 27 conv layers): output >= 30 dB, every layer >= 15 dB", () => {
    const r = withDefaults(mobilenetCase(48, 6, 6));
    expect(r.output).toBeGreaterThanOrEqual(30);
    expect(r.worstLayer).toBeGreaterThanOrEqual(15);
  });
});
