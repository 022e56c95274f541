import { describe, expect, it } from "vitest";
import { buildGraph, quantizeModel, Tensor, type Graph } from "../../src/index.js";
import { defaultQuantizeOptions, quantizeOptionsFrom } from "../../src/cli/quantize-options.js";
import { guardedSqnrDb, SQNR_WARNING_DB, type CalibrationCheck } from "../../src/quantize/calibration-check.js";
import { foldRange } from "../../src/quantize/held-out-check.js";
import { pooledSqnrDb, sqnrLowerBoundDb } from "../../src/quantize/sqnr-bound.js";
import { Rng } from "../../bench/ptq-synthetic.js";

describe("held-out folds", () => {
  it("contiguous blocks cover every sample exactly once, in order", () => {
    for (const [folds, n] of [[5, 10], [5, 7], [2, 2], [5, 23]] as const) {
      const seen: number[] = [];
      for (let k = 0; k < folds; k++) {
        const [from, to] = foldRange(k, folds, n);
        expect(to).toBeGreaterThan(from);
        for (let i = from; i < to; i++) seen.push(i);
      }
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });
});

describe("SQNR lower bound (bootstrap over samples)", () => {
  const at = (dbs: number[]) => dbs.map((d) => ({ signal: 1, noise: 10 ** (-d / 10) }));

  it("equals the pooled SQNR when every sample agrees, and the only sample's SQNR for one", () => {
    expect(sqnrLowerBoundDb(at([30, 30, 30, 30]))).toBeCloseTo(30, 9);
    expect(sqnrLowerBoundDb(at([17]))).toBeCloseTo(17, 9);
    expect(sqnrLowerBoundDb([{ signal: 1, noise: 0 }])).toBe(Number.POSITIVE_INFINITY);
  });

  it("falls well below the pooled figure when one sample of ten is bad, and is deterministic", () => {
    const e = at([45, 32, 25, 26, 22, 49, 15, 26, 18, 11]);
    const pooled = pooledSqnrDb(e);
    const bound = sqnrLowerBoundDb(e);
    expect(pooled).toBeGreaterThan(18);
    expect(bound).toBeLessThan(pooled - 2);
    expect(bound).toBeGreaterThan(11);
    expect(sqnrLowerBoundDb(e)).toBe(bound);
  });
});

/**
 * x [1,16] -> Gemm W -> Relu -> y. Nine calibration samples are uniform in [0, 1]; the last is
 * ten times larger. Ranges fitted on all ten cover it, so the calibration figure is high; fitted
 * without it (its fold held out), its values are clipped at a tenth: inputs like it, unseen,
 * come out far below 20 dB. The old guard (calibration samples only) stayed silent here.
 */
function outlierCase(): { graph: Graph; calib: Tensor[][] } {
  const rng = new Rng(5);
  const w = Array.from({ length: 16 * 16 }, (_, i) => (i % 17 === 0 ? 1 : 0) + 0.05 * rng.normal());
  const graph = buildGraph({
    name: "outlier",
    opset: 13,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 16] }],
    outputs: ["y"],
    constants: new Map([["W", Tensor.fromNumbers("float32", [16, 16], w)]]),
    nodes: [
      { name: "g", op: "Gemm", inputs: ["x", "W"], outputs: ["h"], attrs: { transB: 1 } },
      { name: "r", op: "Relu", inputs: ["h"], outputs: ["y"], attrs: {} },
    ],
  });
  const calib = Array.from({ length: 10 }, (_, k) => [Tensor.fromNumbers("float32", [1, 16], Array.from({ length: 16 }, () => (k === 9 ? 10 : 1) * rng.uniform()))]);
  return { graph, calib };
}

/**
 * What `egret compile --quantize int8 --calib` does with the defaults (the library's quantize phase):
 * the guard-rail's check, and its lines as the CLI prints them.
 */
function quantizeSamples(graph: Graph, calibration: readonly (readonly Tensor[])[], log: (line: string) => void): { check: CalibrationCheck } {
  const { check, diagnostics } = quantizeModel(graph, { quantize: quantizeOptionsFrom(defaultQuantizeOptions())!, calibration });
  for (const d of diagnostics.filter((x) => x.source === "quantize")) log(d.severity === "warning" ? `egret: WARNING: ${d.message}` : `egret: ${d.message}`);
  if (check === undefined) throw new Error("the guard-rail is on by default: a check was expected");
  return { check };
}

describe("guard-rail on samples held out from fitting", () => {
  it("warns for a network that tracks its calibration samples but falls below 20 dB on held-out ones", () => {
    const { graph, calib } = outlierCase();
    const lines: string[] = [];
    const { check } = quantizeSamples(graph, calib, (l) => void lines.push(l));
    expect(check.outputSqnrDb).toBeGreaterThanOrEqual(SQNR_WARNING_DB);
    expect(check.heldOut?.folds).toBe(5);
    expect(check.heldOut!.outputSqnrDb).toBeLessThan(SQNR_WARNING_DB);
    expect(check.heldOut!.lowerBoundDb).toBeLessThanOrEqual(check.heldOut!.outputSqnrDb);
    expect(guardedSqnrDb(check)).toBe(check.heldOut!.lowerBoundDb);
    expect(lines.find((l) => l.startsWith("egret: quantized output y:"))).toMatch(/on the 10 calibration samples; .*held out from fitting \(5-fold\) -?\d+\.\d\d dB, 95% lower bound -?\d+\.\d\d dB$/);
    expect(lines.find((l) => l.startsWith("egret: WARNING:"))).toMatch(/^egret: WARNING: output SQNR -?\d+\.\d\d dB \(95% lower bound on samples held out from fitting\) is below 20 dB/);
  });

  it("stays silent when held-out samples fare as well, and says when one sample leaves nothing to hold out", () => {
    const { graph, calib } = outlierCase();
    const alike = calib.slice(0, 9);
    const lines: string[] = [];
    const { check } = quantizeSamples(graph, alike, (l) => void lines.push(l));
    expect(check.heldOut!.lowerBoundDb).toBeGreaterThanOrEqual(SQNR_WARNING_DB);
    expect(lines.some((l) => l.startsWith("egret: WARNING:"))).toBe(false);
    const one: string[] = [];
    const single = quantizeSamples(graph, calib.slice(0, 1), (l) => void one.push(l)).check;
    expect(single.heldOut).toBeUndefined();
    expect(one.find((l) => l.startsWith("egret: quantized output y:"))).toMatch(/one sample, so no held-out estimate/);
  });
});
