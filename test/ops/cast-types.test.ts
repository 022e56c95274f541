import { describe, expect, it } from "vitest";
import { buildGraph, Tensor, type DType } from "../../src/index.js";
import { DTYPES } from "../../src/ir/dtype.js";
import { decodeBits, decodeE8M0, encodeBits, encodeE8M0, MINIFLOAT_FORMATS } from "../../src/ir/minifloat.js";
import { packSubByte, unpackSubByte } from "../../src/ir/subbyte.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter, type TestNode } from "./elementwise-support.js";

/**
 * The small element types: the codecs against values fixed by the formats' definitions, and the
 * generated C against the interpreter bit for bit (ties, overflow, infinities, NaN, subnormals).
 */

const FLOAT8 = ["float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz"] as const;
const SMALL_FLOATS: readonly DType[] = ["bfloat16", ...FLOAT8, "float8e8m0", "float4e2m1"];
const SUB_BYTE_INTS: readonly DType[] = ["int4", "uint4", "int2", "uint2"];
const codeCount = (d: DType) => (d === "bfloat16" ? 65536 : 2 ** DTYPES[d].bits);

describe("bit-pattern float codecs", () => {
  it("decode the formats' landmark codes", () => {
    expect(decodeBits("float8e4m3fn", 0x7e)).toBe(448);
    expect(decodeBits("float8e4m3fn", 0x7f)).toBeNaN();
    expect(decodeBits("float8e4m3fn", 0x01)).toBe(2 ** -9);
    expect(decodeBits("float8e4m3fnuz", 0x7f)).toBe(240);
    expect(decodeBits("float8e4m3fnuz", 0x80)).toBeNaN();
    expect(decodeBits("float8e5m2", 0x7b)).toBe(57344);
    expect(decodeBits("float8e5m2", 0x7c)).toBe(Infinity);
    expect(decodeBits("float8e5m2fnuz", 0x7f)).toBe(57344);
    expect(decodeBits("bfloat16", 0x3f80)).toBe(1);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((c) => decodeBits("float4e2m1", c))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(Object.is(decodeBits("float4e2m1", 0x8), -0)).toBe(true);
    expect(decodeE8M0(127)).toBe(1);
    expect(decodeE8M0(0)).toBe(2 ** -127);
    expect(decodeE8M0(0xff)).toBeNaN();
  });

  it("encode every finite code back to itself", () => {
    for (const d of [...FLOAT8, "float4e2m1", "bfloat16"] as const) {
      for (let c = 0; c < codeCount(d); c++) {
        const v = decodeBits(d, c);
        if (Number.isNaN(v) || !Number.isFinite(v)) continue;
        // fnuz formats have no -0: its code would be their NaN.
        expect(encodeBits(d, v), `${d} code ${c}`).toBe(c);
      }
    }
  });

  it("round to nearest even, and overflow the way each format defines", () => {
    expect(encodeBits("float8e4m3fn", 464)).toBe(0x7e); // tie between 448 and 480 (NaN's code): even
    expect(encodeBits("float8e4m3fn", 465)).toBe(0x7f); // beyond: NaN without saturation
    expect(encodeBits("float8e5m2", 1e6)).toBe(0x7c); // inf
    expect(encodeBits("float8e4m3fnuz", -1e-9)).toBe(0); // no negative zero
    expect(encodeBits("float4e2m1", 0.25)).toBe(0); // tie between 0 and 0.5
    expect(encodeBits("float4e2m1", 100)).toBe(7); // saturates: no inf, no NaN
    expect(encodeBits("float4e2m1", NaN)).toBe(8);
    expect(encodeE8M0(1.1, "up")).toBe(128);
    expect(encodeE8M0(1.1, "down")).toBe(127);
    expect(encodeE8M0(1.5, "nearest")).toBe(128);
    expect(encodeE8M0(Infinity, "up", false)).toBe(0xff);
    expect(encodeE8M0(Infinity, "up", true)).toBe(0xfe);
  });

  it("packs sub-byte elements least significant first and unpacks them sign-extended", () => {
    const t = Tensor.fromNumbers("int4", [3], [7, -8, -1]);
    expect(Array.from(packSubByte(t))).toEqual([0x87, 0x0f]);
    expect(Array.from(unpackSubByte("int4", [0x87, 0x0f], 3) as Int8Array)).toEqual([7, -8, -1]);
    expect(Array.from(unpackSubByte("uint2", [0x39], 4) as Uint8Array)).toEqual([1, 2, 3, 0]);
    expect(Array.from(unpackSubByte("float4e2m1", [0xe2], 2) as Uint8Array)).toEqual([2, 14]);
    expect(Array.from(Tensor.fromNumbers("int4", [3], [9, -9, 15]).data as Int8Array)).toEqual([-7, 7, -1]);
  });
});

/** A tensor holding every bit pattern of a small float type once. */
function everyCode(d: DType): Tensor {
  const t = new Tensor(d, [codeCount(d)]);
  for (let c = 0; c < t.size; c++) t.data[c] = c;
  return t;
}

/** Values that exercise every rounding path: each format's own values, their midpoints, extremes. */
function probeValues(): number[] {
  const out = new Set<number>([0, -0, Infinity, -Infinity, 1e6, -1e6, 1e-45, -1e-40, 3e38, 2 ** -127, 2 ** -126]);
  for (const d of [...FLOAT8, "float4e2m1"] as const) {
    const vs = Array.from({ length: 256 }, (_, c) => decodeBits(d, c % codeCount(d))).filter(Number.isFinite).sort((a, b) => a - b);
    vs.forEach((v, i) => {
      out.add(v);
      if (i > 0) out.add((v + vs[i - 1]!) / 2);
    });
    const max = DTYPES[d].max;
    for (const f of [1.01, 1.1, 2]) out.add(max * f).add(-max * f);
  }
  randomTensor([64], 5, -3, 3).toNumbers().forEach((v) => out.add(v));
  return [...out, NaN];
}

describe("casts to and from the small types: C matches the interpreter bit for bit", () => {
  it("float32 -> every small float (saturating and not, e8m0 rounding modes) -> float32", () => {
    const values = probeValues();
    const inputs: Record<string, Tensor> = { x: Tensor.fromNumbers("float32", [values.length], values) };
    const nodes: TestNode[] = [];
    for (const d of SMALL_FLOATS) {
      nodes.push({ name: `to_${d}`, op: "Cast", inputs: ["x"], attrs: { to: DTYPES[d].onnx } });
      inputs[`c_${d}`] = everyCode(d);
      nodes.push({ name: `from_${d}`, op: "Cast", inputs: [`c_${d}`], attrs: { to: 1 } });
    }
    for (const d of FLOAT8) nodes.push({ name: `to_${d}_nosat`, op: "Cast", inputs: ["x"], attrs: { to: DTYPES[d].onnx, saturate: 0 } });
    for (const mode of ["down", "nearest"]) nodes.push({ name: `to_e8m0_${mode}`, op: "Cast", inputs: ["x"], attrs: { to: 24, round_mode: mode } });
    nodes.push({ name: "to_e8m0_nosat", op: "Cast", inputs: ["x"], attrs: { to: 24, saturate: 0 } });
    nodes.push({ name: "f8_from_f16", op: "Cast", inputs: ["h"], attrs: { to: 17 } });
    inputs["h"] = Tensor.fromNumbers("float16", [values.length], values);
    const { graph, feeds } = checksGraph(inputs, nodes, 25);
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });

  it("sub-byte integers: wrap from floats and wider integers, widen exactly", () => {
    const ints = Array.from({ length: 41 }, (_, i) => i - 20);
    const inputs: Record<string, Tensor> = {
      f: Tensor.fromNumbers("float32", [ints.length + 4], [...ints.map((v) => v + 0.75), NaN, Infinity, -3e9, 3e9]),
      i: Tensor.fromNumbers("int32", [ints.length], ints),
      u: Tensor.fromNumbers("uint64", [4], [0, 1, 17, 255]),
    };
    const nodes: TestNode[] = [];
    for (const d of SUB_BYTE_INTS) {
      for (const src of ["f", "i", "u"]) nodes.push({ name: `${src}_to_${d}`, op: "Cast", inputs: [src], attrs: { to: DTYPES[d].onnx } });
      inputs[`v_${d}`] = Tensor.fromNumbers(d, [ints.length], ints);
      nodes.push({ name: `${d}_to_f32`, op: "Cast", inputs: [`v_${d}`], attrs: { to: 1 } });
      nodes.push({ name: `${d}_to_i64`, op: "Cast", inputs: [`v_${d}`], attrs: { to: 7 } });
    }
    const { graph, feeds } = checksGraph(inputs, nodes, 25);
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
});

describe("CastLike reads only the type of its second input", () => {
  it("folds a constant cast like a run-time tensor, which then stays a run-time input", () => {
    const graph = buildGraph({
      name: "castlike",
      inputs: [{ name: "x", dtype: "float32", dims: [2, 3] }],
      outputs: ["y"],
      constants: new Map([["c", Tensor.fromNumbers("float32", [2], [-Infinity, 1.5])]]),
      nodes: [
        { name: "half", op: "Cast", inputs: ["x"], outputs: ["nx"], attrs: { to: 10 } },
        { name: "like", op: "CastLike", inputs: ["c", "nx"], outputs: ["y"], attrs: {} },
      ],
      opset: 19,
    });
    expect(graph.nodes).toEqual([]);
    const y = graph.constants.get("y")!;
    expect(y.dtype).toBe("float16");
    expect(Array.from(y.toNumbers())).toEqual([-Infinity, 1.5]);
  });
});
