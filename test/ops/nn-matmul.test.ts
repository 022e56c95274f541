import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);

describe("Gemm", () => {
  it("computes alpha*A'*B' + beta*C with known values", () => {
    // A' = [[1,3],[2,4]] (transA), B' = [[1,0],[0,1],...] -> identity, C broadcast as a row.
    const [y] = interpret("Gemm", [{ value: t([2, 2], [1, 2, 3, 4]) }, { value: t([2, 2], [1, 0, 0, 1]), constant: true }, { value: t([2], [10, 20]), constant: true }], { transA: 1, alpha: 2, beta: 0.5 });
    expect(values(y)).toEqual([2 + 5, 6 + 10, 4 + 5, 8 + 10]);
  });

  const biasShapes: [string, number[]][] = [
    ["scalar C", []],
    ["1-D C", [5]],
    ["[M,1] C", [3, 1]],
    ["[1,N] C", [1, 5]],
    ["full C", [3, 5]],
    ["single-element C", [1]],
  ];
  for (const [title, cs] of biasShapes) {
    it(`C matches the interpreter with ${title}, transB and alpha/beta`, () => {
      expectCMatchesInterpreter("Gemm", [{ value: randomTensor([3, 7], 1) }, { value: randomTensor([5, 7], 2), constant: true }, { value: randomTensor(cs, 3), constant: true }], { transB: 1, alpha: 0.75, beta: -1.5 });
    });
  }

  it("C matches the interpreter without C and with transA", () => {
    expectCMatchesInterpreter("Gemm", [{ value: randomTensor([6, 4], 4) }, { value: randomTensor([6, 3], 5) }], { transA: 1 });
  });

  it("rejects mismatched inner dimensions, naming the node", () => {
    expect(() => interpret("Gemm", [{ value: randomTensor([3, 4], 1) }, { value: randomTensor([5, 2], 2) }])).toThrow(/node "gemm_0" \(Gemm\).*inner dimensions/);
  });

  it("rejects a C that does not broadcast to [M, N]", () => {
    expect(() => interpret("Gemm", [{ value: randomTensor([3, 4], 1) }, { value: randomTensor([4, 2], 2) }, { value: randomTensor([3], 3) }])).toThrow(/node "gemm_0" \(Gemm\).*broadcast/);
  });
});

describe("MatMul", () => {
  it("multiplies known 2-D matrices", () => {
    const [y] = interpret("MatMul", [{ value: t([2, 3], [1, 2, 3, 4, 5, 6]) }, { value: t([3, 1], [1, 0, -1]) }]);
    expect(y!.shape).toEqual([2, 1]);
    expect(values(y)).toEqual([-2, -2]);
  });

  it("promotes 1-D operands like numpy", () => {
    const [y] = interpret("MatMul", [{ value: t([3], [1, 2, 3]) }, { value: t([3], [4, 5, 6]) }]);
    expect(y!.shape).toEqual([]);
    expect(values(y)).toEqual([32]);
  });

  const cases: [string, number[], number[]][] = [
    ["batched A times a weight matrix", [2, 3, 4, 5], [5, 6]],
    ["broadcast batch dims", [2, 1, 3, 4], [3, 4, 2]],
    ["1-D A against batched B", [4], [2, 4, 3]],
    ["batched A against 1-D B", [3, 2, 4], [4]],
  ];
  for (const [title, as, bs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("MatMul", [{ value: randomTensor(as, 7) }, { value: randomTensor(bs, 8), constant: true }]);
    });
  }

  it("rejects batch dims that do not broadcast", () => {
    expect(() => interpret("MatMul", [{ value: randomTensor([2, 3, 4], 1) }, { value: randomTensor([3, 4, 2], 2) }])).toThrow(/node "matmul_0" \(MatMul\).*broadcast/);
  });
});
