import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const x23 = Tensor.fromNumbers("float32", [2, 3], [1, 2, 3, 0, 0, 0]);

describe("Softmax family known values", () => {
  it("Softmax of [1,2,3] and of a constant row", () => {
    const [y] = interpret("Softmax", [{ value: x23 }]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0]! + e[1]! + e[2]!;
    values(y).slice(0, 3).forEach((v, i) => expect(v).toBeCloseTo(e[i]! / s, 6));
    values(y).slice(3).forEach((v) => expect(v).toBeCloseTo(1 / 3, 6));
  });

  it("LogSoftmax is stable for large inputs", () => {
    const [y] = interpret("LogSoftmax", [{ value: Tensor.fromNumbers("float32", [1, 2], [10000, 10000]) }]);
    values(y).forEach((v) => expect(v).toBeCloseTo(-Math.log(2), 6));
  });

  it("Hardmax marks the first maximum", () => {
    const [y] = interpret("Hardmax", [{ value: Tensor.fromNumbers("float32", [2, 3], [3, 1, 3, 0, 5, 2]) }]);
    expect(values(y)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it("opset < 13 normalises over the flattened tail from axis (default 1)", () => {
    const x = randomTensor([2, 3, 4], 1);
    const [old] = interpret("Softmax", [{ value: x }], {}, 1, 11);
    let sum = 0;
    for (const v of values(old).slice(0, 12)) sum += v;
    expect(sum).toBeCloseTo(1, 5);
    const [v13] = interpret("Softmax", [{ value: x }], {}, 1, 13);
    let row = 0;
    for (const v of values(v13).slice(0, 4)) row += v;
    expect(row).toBeCloseTo(1, 5);
  });
});

describe("Softmax family: C matches the interpreter", () => {
  const cases: [string, string, number[], Record<string, number>, number][] = [
    ["Softmax last axis", "Softmax", [3, 4, 5], {}, 13],
    ["Softmax middle axis", "Softmax", [3, 4, 5], { axis: 1 }, 13],
    ["Softmax axis 0", "Softmax", [3, 4, 5], { axis: 0 }, 13],
    ["Softmax opset 11 coerced 2-D", "Softmax", [2, 3, 4], { axis: 1 }, 11],
    ["LogSoftmax negative axis", "LogSoftmax", [2, 6, 3], { axis: -2 }, 13],
    ["LogSoftmax opset 11 default axis", "LogSoftmax", [3, 2, 5], {}, 11],
    ["Hardmax axis 1", "Hardmax", [3, 4, 2], { axis: 1 }, 13],
  ];
  for (const [title, op, shape, attrs, opset] of cases) {
    it(title, () => {
      expectCMatchesInterpreter(op, [{ value: randomTensor(shape, 9, -5, 5) }], attrs, 1, opset);
    });
  }

  it("rejects an out-of-range axis, naming the node", () => {
    expect(() => interpret("Softmax", [{ value: randomTensor([2, 3], 1) }], { axis: 2 })).toThrow(/node "softmax_0" \(Softmax\).*axis 2 is out of range/);
  });
});
