import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile, optimizeModel, Tensor, type Graph } from "../../src/index.js";
import { calibrate } from "../../src/quantize/calibrate.js";
import { LayerComparison } from "../../src/quantize/layer-compare.js";
import { checkOverrides, chooseInt16, layerSensitivity, readOverrides, schemeJson } from "../../src/quantize/mixed.js";
import { quantizeWithStats, type PtqResult } from "../../src/quantize/ptq.js";
import { errorOf } from "../support/errors.js";
import { readMnist } from "../support/mnist.js";
import { sharedFor } from "../support/shared-skip.js";
import { OPS } from "../support/toolchain.js";

/** A `--precision-overrides` file read and checked against the float program, as the pipeline does. */
function overridesFor(file: string, program: Graph): ReturnType<typeof readOverrides> {
  const dtypes = readOverrides(file);
  checkOverrides(dtypes, program, file);
  return dtypes;
}

const useShared = sharedFor("mixed int8/int16 precision on the MNIST model");

describe("mixed precision: per-layer sensitivity, --int16-budget, overrides, --export-scheme", () => {
  it("int16 within a 30% budget raises the worst layer's SQNR; overrides force choices; the scheme round-trips", (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/onnx/onnx2c/test/mnist/model.onnx"), {});
    const mnist = readMnist(join(shared, "models/datasets/mnist/t10k-images-idx3-ubyte.gz"), join(shared, "models/datasets/mnist/t10k-labels-idx1-ubyte.gz"));
    const digit = (i: number) => [new Tensor("float32", [1, 1, 28, 28], Float32Array.from(mnist.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255))];
    const calib = Array.from({ length: 32 }, (_, k) => digit(3 * k));
    const evalSet = Array.from({ length: 150 }, (_, k) => digit(100 + k));
    const program = optimizeModel(graph);
    const stats = calibrate(program, calib, { ops: OPS, histograms: false });
    const scheme = { ops: OPS, dtype: "int8", method: "minmax", perChannel: true } as const;
    const worst = (q: PtqResult) => {
      const layers = new LayerComparison(program, q.graph, q.copies, OPS, q.floors);
      for (const s of evalSet) layers.add(s);
      return Math.min(...layers.results().map((l) => l.sqnrDb));
    };

    const sensitivity = layerSensitivity(program, stats, calib, scheme);
    expect(sensitivity.length).toBeGreaterThanOrEqual(4);
    const chosen = chooseInt16(sensitivity, 30);
    const total = sensitivity.reduce((a, s) => a + s.elements, 0);
    const used = sensitivity.filter((s) => chosen.has(s.tensor)).reduce((a, s) => a + s.elements, 0);
    expect(chosen.size).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(0.3 * total);

    const int8 = quantizeWithStats(program, stats, scheme);
    const mixed = quantizeWithStats(program, stats, { ...scheme, overrides: new Map([...chosen].map((t) => [t, "int16" as const])) });
    const before = worst(int8);
    const after = worst(mixed);
    console.log(`MNIST worst-layer SQNR: all int8 ${before.toFixed(2)} dB, int16 within 30% (${[...chosen].join(", ")}) ${after.toFixed(2)} dB`);
    expect(after).toBeGreaterThan(before + 1);
    for (const t of chosen) expect(mixed.copies.get(t)![0]!.dtype).toBe("int16");

    const dir = mkdtempSync(join(tmpdir(), "egret-mixed-"));
    try {
      // An exported scheme read back as overrides gives the same program.
      const schemeFile = join(dir, "scheme.json");
      writeFileSync(schemeFile, schemeJson(mixed, scheme));
      const again = quantizeWithStats(program, stats, { ...scheme, overrides: overridesFor(schemeFile, program) });
      expect(again.graph.nodes).toEqual(mixed.graph.nodes);
      // A hand-written override forces one tensor.
      const forced = join(dir, "force.json");
      const first = program.nodes[0]!.outputs[0]!;
      writeFileSync(forced, JSON.stringify({ [first]: "int16" }));
      expect(quantizeWithStats(program, stats, { ...scheme, overrides: overridesFor(forced, program) }).copies.get(first)![0]!.dtype).toBe("int16");
      const bad = join(dir, "bad.json");
      writeFileSync(bad, JSON.stringify({ nope: "int16" }));
      expect(errorOf(() => overridesFor(bad, program)).message).toMatch(/no tensor "nope"/);
      writeFileSync(bad, JSON.stringify({ [first]: "int4" }));
      expect(errorOf(() => overridesFor(bad, program)).message).toMatch(/"int4" is not int8 or int16/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
