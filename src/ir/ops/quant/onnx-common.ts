import { fail } from "../../../errors.js";
import { attrInt } from "../../attrs.js";
import { DTYPES, type DType } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { EmitCtx } from "../../emit-ctx.js";

/**
 * Shared pieces of the ONNX quantization ops (QuantizeLinear, DequantizeLinear, QLinearMatMul,
 * QLinearConv). Unlike the TFLite-exact Q* ops, these follow ONNX/onnxruntime arithmetic: scales
 * and zero points are run-time inputs, requantization is float32 `acc * (s_in * s_w / s_out)`,
 * rounding is half to even, results saturate to the output type. Accumulators are 64-bit (exact
 * in the evaluator's doubles below 2^53), so no input can overflow them; onnxruntime's int32
 * accumulator agrees whenever it does not wrap.
 */

export type OnnxQDType = "int8" | "uint8";

export function requireOnnxQ(node: Node, info: ValueInfo | undefined, what: string): OnnxQDType {
  if (!info) fail("missing-tensor", nodeLabel(node), `the ${what} input is required`);
  if (info.dtype !== "int8" && info.dtype !== "uint8") {
    fail("unsupported-dtype", nodeLabel(node), `${node.op} takes int8 or uint8 for the ${what}, got ${info.dtype}`);
  }
  return info.dtype;
}

/** Weights of QLinearConv / QLinearMatMul: int8 or uint8, or int4 / uint4 (Egret's int4 QDQ lowering). */
export function requireOnnxWeight(node: Node, info: ValueInfo | undefined, what: string): DType {
  if (info && (info.dtype === "int4" || info.dtype === "uint4")) return info.dtype;
  return requireOnnxQ(node, info, what);
}

/**
 * How the C kernels read weight element `index` of tensor `name`: straight from the array, or
 * for a sub-byte constant from its packed bytes in flash (two int4 per byte, low nibble first,
 * sign-extended by xor/subtract: no shifts of negative values). Returns the pointer argument,
 * its C parameter type and the read expression over parameter `w`.
 */
export function weightAccess(ctx: EmitCtx, name: string): { ptr: string; param: string; read: (index: string) => string; suffix: string } {
  const dtype = ctx.info(name).dtype;
  const packed = dtype === "int4" || dtype === "uint4" ? ctx.packedPtr(name) : undefined;
  if (packed === undefined) return { ptr: ctx.ptr(name), param: `const ${DTYPES[dtype].ctype} *w`, read: (i) => `(int32_t)w[${i}]`, suffix: DTYPES[dtype].suffix };
  const nibble = (i: string) => `(((uint32_t)w[(${i}) >> 1] >> (((${i}) & 1) * 4)) & 0xfu)`;
  return {
    ptr: packed,
    param: "const uint8_t *w",
    read: dtype === "int4" ? (i) => `((int32_t)(${nibble(i)} ^ 0x8u) - 8)` : (i) => `(int32_t)${nibble(i)}`,
    suffix: `${DTYPES[dtype].suffix}p`,
  };
}

/** A scale input: float32 (float16 where `halfOk`, opset 21) with one value, or `perAxis` values when per-axis is allowed. */
export function requireScale(node: Node, info: ValueInfo | undefined, what: string, perAxis?: number, halfOk = false): number {
  if (!info) return fail("missing-tensor", nodeLabel(node), `the ${what} input is required`);
  if (info.dtype !== "float32" && !(halfOk && info.dtype === "float16")) {
    fail("unsupported-dtype", nodeLabel(node), `the ${what} must be float32${halfOk ? " or float16" : ""}, got ${info.dtype}`);
  }
  const n = info.shape.reduce((a, b) => a * b, 1);
  if (info.shape.length > 1 || (n !== 1 && n !== perAxis)) {
    const want = perAxis === undefined ? "a scalar (or [1])" : `a scalar or [${perAxis}]`;
    fail("bad-shape", nodeLabel(node), `the ${what} must be ${want}, got [${info.shape.join(",")}]`);
  }
  return n;
}

/** A zero-point input matching its scale's size (`count`) and, when given, dtype `dtype`. */
export function requireZeroPoint(node: Node, info: ValueInfo | undefined, what: string, count: number, dtype?: DType): void {
  if (!info) return;
  if (dtype && info.dtype !== dtype) fail("unsupported-dtype", nodeLabel(node), `the ${what} must be ${dtype} like its tensor, got ${info.dtype}`);
  const n = info.shape.reduce((a, b) => a * b, 1);
  if (info.shape.length > 1 || n !== count) fail("bad-shape", nodeLabel(node), `the ${what} must have ${count} element(s) like its scale, got [${info.shape.join(",")}]`);
}

/** `axis` (default 1, negative from the end) of a per-axis QuantizeLinear/DequantizeLinear. */
export function readAxis(node: Node, rank: number): number {
  const axis = attrInt(node, "axis", 1);
  const a = axis < 0 ? axis + rank : axis;
  if (rank > 0 && (a < 0 || a >= rank)) fail("bad-attribute", nodeLabel(node), `attribute "axis" = ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Round half to even (C's rint in the default rounding mode, numpy's rint). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Clamps to the dtype's range (NaN maps to `nan`). */
export function saturate(v: number, dtype: OnnxQDType, nan = 0): number {
  if (Number.isNaN(v)) return nan;
  return Math.min(DTYPES[dtype].max, Math.max(DTYPES[dtype].min, v));
}

/** float32 requantization: saturate(rint(float(acc) * multiplier) + zero point). */
export function requantizeOnnx(acc: number, multiplier: number, zeroPoint: number, dtype: OnnxQDType): number {
  return saturate(roundHalfEven(Math.fround(Math.fround(acc) * multiplier)) + zeroPoint, dtype);
}

/**
 * The C twins of roundHalfEven and of a float -> int saturation, written once per file. No libm
 * rounding-mode dependence: floorf and exact comparisons only.
 */
export function defineOnnxRounding(ctx: EmitCtx): void {
  ctx.define("eg_onnx_rint", [
    "static float eg_onnx_rint(float v) {",
    "  float r = floorf(v);",
    "  float d = v - r;",
    "  if (d > 0.5f || (d == 0.5f && fmodf(r, 2.0f) != 0.0f)) r += 1.0f;",
    "  return r;",
    "}",
    "static int32_t eg_onnx_saturate(float v, int32_t lo, int32_t hi) {",
    "  if (v != v) return 0;",
    "  if (v <= (float)lo) return lo;",
    "  if (v >= (float)hi) return hi;",
    "  return (int32_t)v;",
    "}",
  ].join("\n"));
}
