import { describe, expect, it } from "vitest";
import { buildGraph, optimizeModel, quantizeModel, Tensor, type Graph } from "../../src/index.js";
import { checkOnCalibration, formatCalibrationCheck, SQNR_WARNING_DB } from "../../src/quantize/calibration-check.js";
import { evaluateQuantized, formatEvalReport } from "../../src/quantize/evaluate.js";
import { outputKind } from "../../src/quantize/output-kind.js";
import { quantizeProgram } from "../../src/quantize/ptq.js";
import { OPS } from "../support/toolchain.js";
import { Rng } from "../../bench/ptq-synthetic.js";

const rng = new Rng(77);
const randoms = (n: number, scale = 1) => Array.from({ length: n }, () => scale * rng.normal());

/**
 * x [1,16] -> Gemm A -> a; x -> Gemm B -> b (B = A + 1e-3 noise); y = a - b: the difference of
 * two nearly equal tensors, each quantized over its own large range, is mostly quantization
 * noise. A second output z = Relu(Gemm C x) is well conditioned.
 */
function cancellingNet(): Graph {
  const a = randoms(8 * 16, 0.5);
  const b = a.map((v) => v + 1e-3 * rng.normal());
  return buildGraph({
    name: "cancel",
    opset: 13,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 16] }],
    outputs: ["y", "z"],
    constants: new Map([
      ["A", Tensor.fromNumbers("float32", [8, 16], a)],
      ["B", Tensor.fromNumbers("float32", [8, 16], b)],
      ["C", Tensor.fromNumbers("float32", [4, 16], randoms(64, 0.5))],
    ]),
    nodes: [
      { name: "ga", op: "Gemm", inputs: ["x", "A"], outputs: ["a"], attrs: { transB: 1 } },
      { name: "gb", op: "Gemm", inputs: ["x", "B"], outputs: ["b"], attrs: { transB: 1 } },
      { name: "sub", op: "Sub", inputs: ["a", "b"], outputs: ["y"], attrs: {} },
      { name: "gc", op: "Gemm", inputs: ["x", "C"], outputs: ["c"], attrs: { transB: 1 } },
      { name: "relu", op: "Relu", inputs: ["c"], outputs: ["z"], attrs: {} },
    ],
  });
}

const samples = (n: number) => Array.from({ length: n }, () => [Tensor.fromNumbers("float32", [1, 16], randoms(16))]);

describe("guard-rail: output SQNR on the calibration samples", () => {
  it("warns below 20 dB, naming the output, the worst layer and where SQNR drops most", () => {
    const program = optimizeModel(cancellingNet());
    const calib = samples(16);
    const check = checkOnCalibration(quantizeProgram(program, calib, { ops: OPS, dtype: "int8", method: "auto", perChannel: true }), calib);
    expect(check.output).toBe("y");
    expect(check.outputSqnrDb).toBeLessThan(SQNR_WARNING_DB);
    expect(check.worstLayer?.tensor).toBe("y");
    expect(check.largestDrop?.tensor).toBe("y");
    const lines = formatCalibrationCheck(check);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^egret: WARNING: output SQNR -?\d+\.\d\d dB is below 20 dB: the worst layer on the calibration samples is y .*SQNR drops most at y/);
  });

  it("compile reports the figure on every quantization, and the warning only under 20 dB", () => {
    // The quantize phase's notes and warnings (the CLI prints them), as `--quantize int8` without --calib gives them.
    const checks = (g: Graph, calibration?: readonly (readonly Tensor[])[]) =>
      quantizeModel(g, { quantize: { dtype: "int8", method: "auto" }, ...(calibration === undefined ? {} : { calibration }) })
        .diagnostics.filter((d) => d.source === "quantize")
        .map((d) => `${d.severity}: ${d.message}`);
    const cancelling = checks(cancellingNet());
    expect(cancelling.filter((e) => e.startsWith("note: quantized output y: SQNR"))).toHaveLength(1);
    expect(cancelling.filter((e) => e.startsWith("warning: output SQNR"))).toHaveLength(1);
    const healthy = buildGraph({
      name: "healthy",
      opset: 13,
      inputs: [{ name: "x", dtype: "float32", dims: [1, 16] }],
      outputs: ["z"],
      constants: new Map([["C", Tensor.fromNumbers("float32", [4, 16], randoms(64, 0.5))]]),
      nodes: [{ name: "gc", op: "Gemm", inputs: ["x", "C"], outputs: ["z"], attrs: { transB: 1 } }],
    });
    // 64 bounded inputs: with compile's 16 random ones, or with normal inputs whose tails the
    // calibration samples do not reach, the held-out bound of even this layer is under 20 dB, and
    // rightly so: on fresh inputs it reaches about 25 dB, not the 40 dB it shows on its samples.
    const bounded = Array.from({ length: 64 }, () => [Tensor.fromNumbers("float32", [1, 16], Array.from({ length: 16 }, () => 2 * rng.uniform() - 1))]);
    const lines = checks(healthy, bounded);
    const figure = lines.find((e) => e.startsWith("note: quantized output z: SQNR"));
    expect(Number(/SQNR (\d+\.\d\d) dB/.exec(figure ?? "")?.[1])).toBeGreaterThan(SQNR_WARNING_DB);
    expect(lines.some((e) => e.includes("output SQNR"))).toBe(false);
  });
});

describe("egret eval: metrics by output kind", () => {
  it("a Softmax row is class scores, a map of many rows or a plain Gemm output is regression", () => {
    const g = buildGraph({
      name: "kinds",
      opset: 13,
      inputs: [{ name: "x", dtype: "float32", dims: [1, 6, 4] }],
      outputs: ["scores", "boxes", "logits"],
      constants: new Map([["W", Tensor.fromNumbers("float32", [4, 3], randoms(12))]]),
      nodes: [
        { name: "s", op: "Softmax", inputs: ["x"], outputs: ["scores"], attrs: { axis: -1 } },
        { name: "f", op: "Flatten", inputs: ["x"], outputs: ["flat"], attrs: { axis: 1 } },
        { name: "r", op: "Reshape", inputs: ["x"], outputs: ["boxes"], attrs: { shape: [1, 24] } },
        { name: "m", op: "Gemm", inputs: ["row", "W"], outputs: ["logits"], attrs: {} },
        { name: "sl", op: "Slice", inputs: ["flat"], outputs: ["row"], attrs: { starts: [0], ends: [4], axes: [1] } },
      ],
    });
    expect(outputKind(g, "scores", "auto", false)).toEqual({ kind: "regression", reason: "shape [1,6,4] is not one row of scores; --output-kind classes adds top-1" });
    expect(outputKind(g, "logits", "auto", false).kind).toBe("regression");
    expect(outputKind(g, "logits", "auto", false).reason).toMatch(/made by Gemm, not Softmax\/LogSoftmax/);
    expect(outputKind(g, "logits", "auto", true)).toEqual({ kind: "classes", reason: "labels were given" });
    expect(outputKind(g, "boxes", "classes", false)).toEqual({ kind: "classes", reason: "--output-kind classes" });
  });

  it("a detector-like output gets SQNR, cosine and max error and no top-1 line", () => {
    const program = optimizeModel(cancellingNet());
    const q = quantizeProgram(program, samples(8), { ops: OPS, dtype: "int8", method: "auto", perChannel: true });
    const r = evaluateQuantized(q, samples(4));
    expect(r.outputs.map((o) => o.kind)).toEqual(["regression", "regression"]);
    expect(r.outputs.every((o) => o.top1Agreement === undefined)).toBe(true);
    const text = formatEvalReport(r);
    expect(text).not.toMatch(/top-1 agreement/);
    expect(text).toMatch(/output z \(regression: .*\): SQNR \d+\.\d\d dB, cosine 0\.\d{5}, max \|error\| /);
  });
});
