import { describe, expect, it } from "vitest";
import { EgretError, Tensor, type AttrValue } from "../../src/index.js";
import { singleNodeGraph } from "../support/graphs.js";

/** Building a single-node graph must fail with an EgretError of `code` naming the node. */
function expectBuildError(op: string, inputs: readonly Tensor[], attrs: Record<string, AttrValue>, code: string, message: RegExp, opset = 17): void {
  let caught: unknown;
  try {
    singleNodeGraph(op, inputs.map((value) => ({ value })), attrs, 1, opset);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EgretError);
  const err = caught as EgretError;
  expect(err.code).toBe(code);
  expect(err.subject).toBe(`node "${op.toLowerCase()}_0" (${op})`);
  expect(err.message).toMatch(message);
}

const f32 = (shape: number[]) => new Tensor("float32", shape);

describe("elementwise ops reject bad attributes, types and shapes", () => {
  it("IsInf detect_positive must be 0 or 1", () => {
    expectBuildError("IsInf", [f32([2])], { detect_positive: 2 }, "bad-attribute", /detect_positive/);
  });
  it("LeakyRelu alpha must be a number", () => {
    expectBuildError("LeakyRelu", [f32([2])], { alpha: "big" }, "bad-attribute", /"alpha" must be a number/);
  });
  it("Cast to string is an unsupported dtype; an unknown code is a bad attribute", () => {
    expectBuildError("Cast", [f32([2])], { to: 8 }, "unsupported-dtype", /string/);
    expectBuildError("Cast", [f32([2])], { to: 99 }, "unsupported-dtype", /not an ONNX tensor type code/);
  });
  it("float-only ops reject integers; Not rejects floats", () => {
    expectBuildError("Sqrt", [new Tensor("int32", [2])], {}, "unsupported-dtype", /input 0 is int32; Sqrt accepts float32, float64, float16/);
    expectBuildError("Not", [f32([2])], {}, "unsupported-dtype", /Not accepts bool/);
    expectBuildError("Neg", [new Tensor("uint8", [2])], {}, "unsupported-dtype", /uint8/);
  });
  it("binary inputs must share a type and broadcast", () => {
    expectBuildError("Add", [f32([2]), new Tensor("int64", [2])], {}, "unsupported-dtype", /same element type.*float32 and int64/);
    expectBuildError("Mul", [f32([2, 3]), f32([2])], {}, "bad-shape", /2x3, 2 do not broadcast/);
  });
  it("PRelu's slope must broadcast to X's shape", () => {
    expectBuildError("PRelu", [f32([3]), f32([2, 3])], {}, "bad-shape", /must broadcast to input 0's shape 3/);
  });
  it("Clip min/max attributes do not apply to integer inputs", () => {
    expectBuildError("Clip", [new Tensor("int8", [2])], { min: 0 }, "bad-attribute", /float inputs/);
  });
  it("opset 6 broadcast axis must fit", () => {
    expectBuildError("Add", [f32([2, 3]), f32([3])], { broadcast: 1, axis: 2 }, "bad-attribute", /axis 2 cannot align/, 6);
  });
});
