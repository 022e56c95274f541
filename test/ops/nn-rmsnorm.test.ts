import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);

describe("RMSNormalization", () => {
  it("divides each row by its root mean square (hand-checked)", () => {
    // Row [3, 4]: mean square 12.5; row [0, 2]: mean square 2. Scale [1, 2].
    const [y] = interpret("RMSNormalization", [{ value: t([2, 2], [3, 4, 0, 2]) }, { value: t([2], [1, 2]), constant: true }], { epsilon: 0 }, 1, 23);
    const r1 = Math.sqrt(12.5);
    const want = [3 / r1, 8 / r1, 0, 4 / Math.sqrt(2)];
    values(y).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  it("broadcasts a smaller scale over the normalised dims", () => {
    // axis 1 of [1, 2, 2]: normalised dims [2, 2]; scale [2, 1] scales each row of the 2x2 block.
    const [y] = interpret("RMSNormalization", [{ value: t([1, 2, 2], [1, 1, 1, 1]) }, { value: t([2, 1], [2, 3]), constant: true }], { axis: 1, epsilon: 0 }, 1, 23);
    expect(values(y)).toEqual([2, 2, 3, 3]);
  });

  const cases: [string, number[], number[], number][] = [
    ["last axis", [3, 5], [5], -1],
    ["axis 1 of a 4-D input", [2, 3, 4, 5], [3, 4, 5], 1],
    ["broadcast scale", [2, 3, 4], [3, 1], 1],
  ];
  for (const [title, xShape, sShape, axis] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("RMSNormalization", [{ value: randomTensor(xShape, 50, -3, 3) }, { value: randomTensor(sShape, 51), constant: true }], { axis, epsilon: 1e-3 }, 1, 23);
    });
  }

  it("rejects a scale that does not broadcast to the normalised dims", () => {
    expect(() => interpret("RMSNormalization", [{ value: randomTensor([2, 3, 4], 1) }, { value: randomTensor([3], 2), constant: true }], {}, 1, 23)).toThrow(
      /node "rmsnormalization_0" \(RMSNormalization\).*must broadcast to the normalised dims 4/,
    );
  });

  it("rejects an axis out of range", () => {
    expect(() => interpret("RMSNormalization", [{ value: randomTensor([2, 3], 1) }, { value: randomTensor([3], 2), constant: true }], { axis: 2 }, 1, 23)).toThrow(/axis 2 is out of range/);
  });
});
