import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { expectCasesMatchC, expectNodeError, input, interpretNode, iota, seeded, valuesOf } from "./tensor-support.js";

// The ONNX operator docs' examples (test_depthtospace_example, ..._crd_mode_example, test_spacetodepth_example).
const D2S_IN = [0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 18, 19, 20, 21, 22, 23, 27, 28, 29, 30, 31, 32, 36, 37, 38, 39, 40, 41, 45, 46, 47, 48, 49, 50, 54, 55, 56, 57, 58, 59, 63, 64, 65, 66, 67, 68];
const D2S_DCR = [0, 18, 1, 19, 2, 20, 36, 54, 37, 55, 38, 56, 3, 21, 4, 22, 5, 23, 39, 57, 40, 58, 41, 59, 9, 27, 10, 28, 11, 29, 45, 63, 46, 64, 47, 65, 12, 30, 13, 31, 14, 32, 48, 66, 49, 67, 50, 68];
const D2S_CRD = [0, 9, 1, 10, 2, 11, 18, 27, 19, 28, 20, 29, 3, 12, 4, 13, 5, 14, 21, 30, 22, 31, 23, 32, 36, 45, 37, 46, 38, 47, 54, 63, 55, 64, 56, 65, 39, 48, 40, 49, 41, 50, 57, 66, 58, 67, 59, 68];
const S2D_IN = [0, 6, 1, 7, 2, 8, 12, 18, 13, 19, 14, 20, 3, 9, 4, 10, 5, 11, 15, 21, 16, 22, 17, 23];

describe("DepthToSpace / SpaceToDepth", () => {
  const x = Tensor.fromNumbers("float32", [1, 8, 2, 3], D2S_IN);
  it("DCR (default) and CRD match the spec examples", () => {
    const [dcr] = interpretNode({ op: "DepthToSpace", inputs: [input(x)], attrs: { blocksize: 2 } });
    expect(dcr!.shape).toEqual([1, 2, 4, 6]);
    expect(valuesOf(dcr)).toEqual(D2S_DCR);
    const [crd] = interpretNode({ op: "DepthToSpace", inputs: [input(x)], attrs: { blocksize: 2, mode: "CRD" } });
    expect(valuesOf(crd)).toEqual(D2S_CRD);
  });

  it("SpaceToDepth matches the spec example and inverts DepthToSpace DCR", () => {
    const [y] = interpretNode({ op: "SpaceToDepth", inputs: [input(Tensor.fromNumbers("float32", [1, 1, 4, 6], S2D_IN))], attrs: { blocksize: 2 } });
    expect(y!.shape).toEqual([1, 4, 2, 3]);
    expect(valuesOf(y)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const [back] = interpretNode({ op: "SpaceToDepth", inputs: [input(Tensor.fromNumbers("float32", [1, 2, 4, 6], D2S_DCR))], attrs: { blocksize: 2 } });
    expect(valuesOf(back)).toEqual(D2S_IN);
  });

  it("rejects indivisible channels or spatial sizes, bad modes and non-4-D inputs", () => {
    expectNodeError({ op: "DepthToSpace", inputs: [input(iota([1, 6, 2, 2]))], attrs: { blocksize: 2 } }, /not divisible by blocksize/);
    expectNodeError({ op: "SpaceToDepth", inputs: [input(iota([1, 1, 3, 4]))], attrs: { blocksize: 2 } }, /divisible by blocksize 2/);
    expectNodeError({ op: "DepthToSpace", inputs: [input(iota([1, 4, 2, 2]))], attrs: { blocksize: 2, mode: "XYZ" } }, /mode/);
    expectNodeError({ op: "SpaceToDepth", inputs: [input(iota([4, 2, 2]))], attrs: { blocksize: 2 } }, /4-D/);
  });

  it("C matches the interpreter for several dtypes and block sizes", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16"] as const).flatMap((dtype, i) => [
      { op: "DepthToSpace", inputs: [input(seeded(dtype, [2, 18, 2, 3], i))], attrs: { blocksize: 3 } },
      { op: "DepthToSpace", inputs: [input(seeded(dtype, [1, 8, 3, 2], i + 10))], attrs: { blocksize: 2, mode: "CRD" } },
      { op: "SpaceToDepth", inputs: [input(seeded(dtype, [2, 3, 4, 6], i + 20))], attrs: { blocksize: 2 } },
    ]);
    expectCasesMatchC(cases);
  });
});
