import type { EmitCtx } from "../../emit-ctx.js";
import { fail } from "../../../errors.js";
import { attrInt } from "../../attrs.js";
import { DTYPES, isEncodedFloat, isFloat, type DType } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { cHelper } from "../elementwise/c-helpers.js";
import { defineOnnxRounding, roundHalfEven } from "./onnx-common.js";
import { float8Max, forEachParam, layoutArgs, outputDtypeAttr, qdqLayout, quantizedType, QUANTIZED_TYPES, type QdqLayout } from "./onnx-qdq-layout.js";

/**
 * ONNX QuantizeLinear and DequantizeLinear, every form up to opset 25 (layouts in onnx-qdq-layout.ts):
 *   QuantizeLinear:   integer y = saturate(rint(x / y_scale) + y_zero_point), float32 arithmetic,
 *                     rint half to even, NaN gives 0; float8/float4 y = x / y_scale + y_zero_point
 *                     converted to nearest even, clamped to the largest finite value when
 *                     `saturate` (default 1; float4 always saturates). The type is `output_dtype`,
 *                     else the zero point's, else uint8: int8/uint8/int16/uint16/int4/uint4/int2/
 *                     uint2 and the float8/float4 formats.
 *   DequantizeLinear: y = (float(x) - float(x_zero_point)) * x_scale in float32, stored as the
 *                     scale's type (or `output_dtype`).
 * Scales may be float32, float16 or bfloat16. Models whose parameters are constants are
 * rewritten onto the TFLite-exact integer kernels by src/importers/onnx/qdq.ts where they fit;
 * these ops keep everything else running.
 */

const X_TYPES_Q: readonly DType[] = ["float32", "float16", "bfloat16", "int32"];
const X_TYPES_DQ: readonly DType[] = [...QUANTIZED_TYPES, "int32"];

/** A float32 C expression reading `element` of `dtype` (bit-pattern floats decoded). */
function loadFloat(ctx: EmitCtx, dtype: DType, element: string): string {
  if (isEncodedFloat(dtype)) return `${cHelper(ctx, `${DTYPES[dtype].suffix}_to_f32`)}(${element})`;
  return dtype === "float32" ? element : `(float)${element}`;
}

function checkX(node: Node, x: ValueInfo | undefined, allowed: readonly DType[]): ValueInfo {
  if (!x) return fail("missing-tensor", nodeLabel(node), "the input is required");
  if (!allowed.includes(x.dtype)) fail("unsupported-dtype", nodeLabel(node), `${node.op} takes ${allowed.join(", ")}, got ${x.dtype}`);
  return x;
}

/** The C kernel shared by both ops: one loop over [outer, axis, inner] reading its parameter. */
function emitLoop(ctx: EmitCtx, node: Node, fn: string, types: { x: DType; s: DType; z: DType; y: DType }, body: string, g: QdqLayout): void {
  const c = (d: DType) => DTYPES[d].ctype;
  ctx.define(fn, [
    `static void ${fn}(const ${c(types.x)} *x, const ${c(types.s)} *scale, const ${c(types.z)} *zp, ${c(types.y)} *y, ` +
      "int32_t outer, int32_t axis, int32_t inner, int32_t block, int32_t so, int32_t sa, int32_t si) {",
    "  int32_t o, a, k, i = 0;",
    "  for (o = 0; o < outer; o++) for (a = 0; a < axis; a++) {",
    "    const int32_t base = o * so + (a / block) * sa;",
    "    for (k = 0; k < inner; k++, i++) {",
    "      const int32_t p = base + k * si;",
    `      const float z = zp ? ${loadFloat(ctx, types.z, "zp[p]")} : 0.0f;`,
    `      const float s = ${loadFloat(ctx, types.s, "scale[p]")};`,
    `      ${body}`,
    "    }",
    "  }",
    "}",
  ].join("\n"));
  const [xName, sName, zName = ""] = node.inputs as [string, string, string?];
  ctx.line(`${fn}(${ctx.ptr(xName)}, ${ctx.ptr(sName)}, ${ctx.ptr(zName)}, ${ctx.ptr(node.outputs[0]!)}, ${layoutArgs(g)});`);
}

const QuantizeLinear: OpDef = {
  name: "QuantizeLinear",
  family: "quant",
  forms: "opsets 10-25: per tensor, per axis (13), blocked block_size (21), output_dtype (21), saturate (19), float16/bfloat16 scales",
  dataTypes: "float32, float16, bfloat16, int32 -> int8, uint8, int16, uint16, int4, uint4, int2, uint2, float8, float4",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, [xi, s, z]) {
    const x = checkX(node, xi, X_TYPES_Q);
    const to = quantizedType(node, z);
    qdqLayout(node, x, s, z, to, "y");
    return [{ dtype: to, shape: x.shape }];
  },
  evaluate(node, [x, s, z]) {
    const to = quantizedType(node, z);
    const g = qdqLayout(node, x!, s, z, to, "y");
    const xs = x!.toNumbers();
    const scales = s!.toNumbers();
    const zps = z?.toNumbers();
    const max = attrInt(node, "saturate", 1) !== 0 ? float8Max(to) : undefined;
    const out = new Float64Array(xs.length);
    forEachParam(g, (i, p) => {
      const v = Math.fround(Math.fround(xs[i]!) / Math.fround(scales[p]!));
      const zp = zps ? zps[p]! : 0;
      if (isFloat(to)) {
        const w = Math.fround(v + zp);
        out[i] = max === undefined || Number.isNaN(w) ? w : Math.min(max, Math.max(-max, w));
      } else {
        const q = roundHalfEven(v) + zp;
        out[i] = Number.isNaN(q) ? 0 : Math.min(DTYPES[to].max, Math.max(DTYPES[to].min, q));
      }
    });
    return [Tensor.fromNumbers(to, x!.shape, out)];
  },
  emitC(node, ctx) {
    const [xName, sName, zName = ""] = node.inputs as [string, string, string?];
    const x = ctx.info(xName);
    const z = zName === "" ? undefined : ctx.info(zName);
    const to = quantizedType(node, z);
    const s = ctx.info(sName);
    const g = qdqLayout(node, x, s, z, to, "y");
    const max = attrInt(node, "saturate", 1) !== 0 ? float8Max(to) : undefined;
    const suffix = [x.dtype, s.dtype, to].map((d) => DTYPES[d].suffix).join("_");
    let body: string;
    if (isFloat(to)) {
      const clamp = max === undefined ? "v" : `(v > ${max}.0f ? ${max}.0f : v < -${max}.0f ? -${max}.0f : v)`;
      body = `const float v = ${loadFloat(ctx, x.dtype, "x[i]")} / s + z;\n      y[i] = ${cHelper(ctx, `f32_to_${DTYPES[to].suffix}`)}(${clamp});`;
    } else {
      defineOnnxRounding(ctx);
      body = `y[i] = (${DTYPES[to].ctype})eg_onnx_saturate(eg_onnx_rint(${loadFloat(ctx, x.dtype, "x[i]")} / s) + z, ${DTYPES[to].min}, ${DTYPES[to].max});`;
    }
    emitLoop(ctx, node, `eg_onnx_quantize_${suffix}${max === undefined ? "" : "_sat"}`, { x: x.dtype, s: s.dtype, z: to, y: to }, body, g);
  },
};

/** DequantizeLinear's output type: output_dtype (opset 23), else the scale's. */
function dequantizedType(node: Node, scale: ValueInfo | undefined): DType {
  const t = outputDtypeAttr(node) ?? scale?.dtype ?? "float32";
  if (t !== "float32" && t !== "float16" && t !== "bfloat16") fail("unsupported-dtype", nodeLabel(node), `the output type must be float32, float16 or bfloat16, got ${t}`);
  return t;
}

const DequantizeLinear: OpDef = {
  name: "DequantizeLinear",
  family: "quant",
  forms: "opsets 10-25: per tensor, per axis (13), blocked block_size (21), output_dtype (23), float16/bfloat16 scales",
  dataTypes: "int8, uint8, int16, uint16, int32, int4, uint4, int2, uint2, float8, float4 -> float32, float16, bfloat16",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, [xi, s, z]) {
    const x = checkX(node, xi, X_TYPES_DQ);
    qdqLayout(node, x, s, z, x.dtype, "x");
    return [{ dtype: dequantizedType(node, s), shape: x.shape }];
  },
  evaluate(node, [x, s, z]) {
    const g = qdqLayout(node, x!, s, z, x!.dtype, "x");
    const xs = x!.toNumbers();
    const scales = s!.toNumbers();
    const zps = z?.toNumbers();
    const out = new Float64Array(xs.length);
    forEachParam(g, (i, p) => {
      out[i] = Math.fround(Math.fround(Math.fround(xs[i]!) - Math.fround(zps ? zps[p]! : 0)) * Math.fround(scales[p]!));
    });
    return [Tensor.fromNumbers(dequantizedType(node, s), x!.shape, out)];
  },
  emitC(node, ctx) {
    const [xName, sName, zName = ""] = node.inputs as [string, string, string?];
    const x = ctx.info(xName);
    const s = ctx.info(sName);
    const g = qdqLayout(node, x, s, zName === "" ? undefined : ctx.info(zName), x.dtype, "x");
    const out = dequantizedType(node, s);
    const value = `(${loadFloat(ctx, x.dtype, "x[i]")} - z) * s`;
    const body = `y[i] = ${out === "float32" ? value : `${cHelper(ctx, `f32_to_${DTYPES[out].suffix}`)}(${value})`};`;
    const suffix = [x.dtype, s.dtype, out].map((d) => DTYPES[d].suffix).join("_");
    emitLoop(ctx, node, `eg_onnx_dequantize_${suffix}`, { x: x.dtype, s: s.dtype, z: x.dtype, y: out }, body, g);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_ONNX_QDQ_OPS: readonly OpDef[] = [QuantizeLinear, DequantizeLinear];
