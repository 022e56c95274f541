import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { rng } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const u8 = (shape: number[], v: number[]) => Tensor.fromNumbers("uint8", shape, v);
const i8 = (shape: number[], v: number[]) => Tensor.fromNumbers("int8", shape, v);

describe("MatMulInteger", () => {
  it("subtracts zero points before multiplying (spec example)", () => {
    const a = u8([4, 3], [11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0]);
    const b = u8([3, 2], [1, 4, 2, 5, 3, 6]);
    const [y] = interpret("MatMulInteger", [{ value: a }, { value: b }, { value: u8([], [12]) }, { value: u8([], [0]) }], {}, 1, 10);
    expect(y!.dtype).toBe("int32");
    expect(values(y)).toEqual([-38, -83, -44, -98, -50, -113, -56, -128]);
  });

  it("C matches the interpreter: int8 x uint8, per-row and per-column zero points, batch broadcast", () => {
    const r = rng(9);
    const a = i8([2, 3, 5], Array.from({ length: 30 }, () => Math.floor(r() * 256) - 128));
    const b = u8([5, 4], Array.from({ length: 20 }, () => Math.floor(r() * 256)));
    expectCMatchesInterpreter("MatMulInteger", [{ value: a }, { value: b, constant: true }, { value: i8([3], [1, -2, 3]) }, { value: u8([4], [128, 0, 7, 255]), constant: true }], {}, 1, 10);
  });

  it("rejects a zero point of the wrong type", () => {
    expect(() => interpret("MatMulInteger", [{ value: u8([1, 1], [1]) }, { value: u8([1, 1], [1]) }, { value: i8([], [0]) }], {}, 1, 10)).toThrow(/the a_zero_point must be uint8 like its operand, got int8/);
  });
});

describe("DynamicQuantizeLinear", () => {
  it("quantizes with the range widened to 0 (spec example)", () => {
    const [y, scale, zp] = interpret("DynamicQuantizeLinear", [{ value: Tensor.fromNumbers("float32", [6], [0, 2, -3, -2.5, 1.34, 0.5]) }], {}, 3, 11);
    expect(scale!.toNumbers()[0]).toBeCloseTo(0.019607844, 8);
    expect(values(zp)).toEqual([153]);
    expect(values(y)).toEqual([153, 255, 0, 26, 221, 179]);
  });

  it("an all-zero input gets scale 1 and zero point 0", () => {
    const [y, scale, zp] = interpret("DynamicQuantizeLinear", [{ value: Tensor.fromNumbers("float32", [3], [0, 0, 0]) }], {}, 3, 11);
    expect([values(y), values(scale), values(zp)]).toEqual([[0, 0, 0], [1], [0]]);
  });

  it("C matches the interpreter bit for bit", () => {
    const r = rng(4);
    const x = Tensor.fromNumbers("float32", [4, 7], Array.from({ length: 28 }, () => r() * 6 - 1.5));
    expectCMatchesInterpreter("DynamicQuantizeLinear", [{ value: x }], {}, 3, 11);
  });
});
