import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type DType } from "../../src/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { singleNodeGraph } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter, values, type TestNode } from "./elementwise-support.js";

function run(op: string, a: Tensor, b: Tensor, attrs: Record<string, number | string> = {}): number[] {
  const { graph, feeds } = singleNodeGraph(op, [{ value: a }, { value: b }], attrs);
  return values(runGraph(graph, feeds)[0]);
}

const DIVIDENDS = [-4, 7, 5, 4, -7, 8, 0, -9];
const DIVISORS = [2, -3, 8, -2, 3, 5, 4, -4];

describe("Mod", () => {
  it("fmod=0 takes the divisor's sign, fmod=1 the dividend's (ONNX spec examples)", () => {
    const a = Tensor.fromNumbers("int32", [8], DIVIDENDS);
    const b = Tensor.fromNumbers("int32", [8], DIVISORS);
    expect(run("Mod", a, b)).toEqual([0, -2, 5, 0, 2, 3, 0, -1]);
    expect(run("Mod", a, b, { fmod: 1 })).toEqual([0, 1, 5, 0, -1, 3, 0, -1]);
  });
  it("float fmod keeps the dividend's sign; a zero integer divisor gives 0", () => {
    const f = run("Mod", Tensor.fromNumbers("float64", [2], [-4.3, 7.2]), Tensor.fromNumbers("float64", [2], [2.1, -3.4]), { fmod: 1 });
    expect(f[0]).toBeCloseTo(-0.1, 12);
    expect(f[1]).toBeCloseTo(0.4, 12);
    expect(run("Mod", Tensor.fromNumbers("int8", [2], [5, -128]), Tensor.fromNumbers("int8", [2], [0, -1]))).toEqual([0, 0]);
  });
  it("generated C matches for every integer type, both modes, broadcasting, under sanitizers", () => {
    const inputs: Record<string, Tensor> = {};
    const nodes: TestNode[] = [];
    const types: DType[] = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"];
    for (const t of types) {
      const signed = t.startsWith("int");
      inputs[`a_${t}`] = Tensor.fromNumbers(t, [2, 8], [...DIVIDENDS, ...DIVIDENDS.map((v) => v * 3)].map((v) => (signed ? v : Math.abs(v))));
      inputs[`b_${t}`] = Tensor.fromNumbers(t, [8], DIVISORS.map((v) => (signed ? v : Math.abs(v))));
      for (const fmod of [0, 1]) nodes.push({ name: `mod${fmod}_${t}`, op: "Mod", inputs: [`a_${t}`, `b_${t}`], attrs: { fmod } });
    }
    // The edge cases C leaves undefined: MIN % -1 and a zero divisor.
    inputs["min64"] = new Tensor("int64", [3], new BigInt64Array([-(2n ** 63n), 9n, -9n]));
    inputs["edge64"] = new Tensor("int64", [3], new BigInt64Array([-1n, 0n, 0n]));
    nodes.push({ name: "mod_edges", op: "Mod", inputs: ["min64", "edge64"] });
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
  it("generated C matches for float16/32/64 in both modes", () => {
    const inputs: Record<string, Tensor> = {};
    const nodes: TestNode[] = [];
    for (const t of ["float16", "float32", "float64"] as const) {
      inputs[`a_${t}`] = Tensor.fromNumbers(t, [8], [-4.3, 7.2, 5, 4.3, -7.2, 8, 0.5, -0.25]);
      inputs[`b_${t}`] = Tensor.fromNumbers(t, [8], [2.1, -3.4, 8, -2.1, 3.4, 5, -1, 1]);
      for (const fmod of [0, 1]) nodes.push({ name: `mod${fmod}_${t}`, op: "Mod", inputs: [`a_${t}`, `b_${t}`], attrs: { fmod } });
    }
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds);
  });
  it("rejects fmod outside 0/1, naming the node", () => {
    const x = { value: Tensor.fromNumbers("int32", [2], [1, 2]) };
    const e = errorOf(() => singleNodeGraph("Mod", [x, x], { fmod: 2 }));
    expect(e.code).toBe("bad-attribute");
    expect(e.message).toContain('node "mod_0" (Mod)');
  });
});

describe("BitShift", () => {
  it("shifts left and right (ONNX spec examples); a shift by the width or more gives 0", () => {
    const x = Tensor.fromNumbers("uint8", [4], [16, 4, 1, 255]);
    const y = Tensor.fromNumbers("uint8", [4], [1, 2, 3, 8]);
    expect(run("BitShift", x, y, { direction: "LEFT" })).toEqual([32, 16, 8, 0]);
    expect(run("BitShift", x, y, { direction: "RIGHT" })).toEqual([8, 1, 0, 0]);
  });
  it("generated C matches on every unsigned type including over-wide shifts, under sanitizers", () => {
    const inputs: Record<string, Tensor> = {};
    const nodes: TestNode[] = [];
    for (const t of ["uint8", "uint16", "uint32", "uint64"] as const) {
      const bits = { uint8: 8, uint16: 16, uint32: 32, uint64: 64 }[t];
      inputs[`x_${t}`] = Tensor.fromNumbers(t, [2, 6], [16, 4, 1, 255, 3, 7, 200, 1, 9, 128, 5, 6]);
      inputs[`s_${t}`] = Tensor.fromNumbers(t, [6], [1, 2, 3, bits - 1, bits, bits + 3]);
      for (const direction of ["LEFT", "RIGHT"]) nodes.push({ name: `${direction}_${t}`, op: "BitShift", inputs: [`x_${t}`, `s_${t}`], attrs: { direction } });
    }
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
  it("rejects signed inputs and a missing direction, naming the node", () => {
    const s = { value: Tensor.fromNumbers("int32", [2], [1, 2]) };
    expect(errorOf(() => singleNodeGraph("BitShift", [s, s], { direction: "LEFT" })).message).toContain("BitShift is defined on uint8");
    const u = { value: Tensor.fromNumbers("uint32", [2], [1, 2]) };
    expect(errorOf(() => singleNodeGraph("BitShift", [u, u])).message).toContain('required attribute "direction"');
  });
});
