import { fail } from "../../../errors.js";
import { DTYPES, type DType } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { defineOnnxRounding, readAxis, requireScale, requireZeroPoint, roundHalfEven, saturate, type OnnxQDType } from "./onnx-common.js";

/**
 * ONNX QuantizeLinear and DequantizeLinear (opsets 10-18 semantics; per-axis from 13):
 *   QuantizeLinear:   y = saturate(rint(x / y_scale) + y_zero_point), float32 arithmetic,
 *                     y's type is the zero point's (uint8 when absent); NaN gives 0.
 *   DequantizeLinear: y = (float(x) - float(x_zero_point)) * x_scale, float32.
 * Scale and zero point are run-time inputs (one value, or one per slice along `axis`). Models whose
 * parameters are constants are rewritten onto the TFLite-exact integer kernels by
 * src/importers/onnx/qdq.ts; these ops keep everything else running.
 */

interface AxisGeometry {
  readonly outer: number;
  readonly axisSize: number;
  readonly inner: number;
  /** 1 when scale/zero point are per-axis, 0 when one value serves all. */
  readonly perAxis: 0 | 1;
}

function axisGeometry(node: Node, x: ValueInfo, scale: ValueInfo | undefined, zeroPoint: ValueInfo | undefined, zeroDType: DType | undefined, what: string): AxisGeometry {
  const size = x.shape.reduce((a, b) => a * b, 1);
  // `axis` only matters (and is only checked) when the scale has more than one value.
  const perTensor = scale !== undefined && scale.shape.reduce((a, b) => a * b, 1) === 1;
  const axis = perTensor ? 0 : readAxis(node, x.shape.length);
  const axisSize = perTensor ? 1 : x.shape[axis] ?? 1;
  const count = requireScale(node, scale, `${what}_scale`, axisSize);
  requireZeroPoint(node, zeroPoint, `${what}_zero_point`, count, zeroDType);
  if (perTensor) return { outer: 1, axisSize: 1, inner: size, perAxis: 0 };
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, axisSize, inner, perAxis: 1 };
}

function outputType(node: Node, zeroPoint: ValueInfo | undefined): OnnxQDType {
  if (node.attrs["output_dtype"] !== undefined || node.attrs["block_size"] !== undefined) {
    fail("bad-attribute", nodeLabel(node), "the opset 21 attributes output_dtype/block_size are not supported; give the type through the zero point");
  }
  const t = zeroPoint?.dtype ?? "uint8";
  if (t !== "int8" && t !== "uint8") fail("unsupported-dtype", nodeLabel(node), `the output type (the zero point's) must be int8 or uint8, got ${t}`);
  return t;
}

/** Visits every element with the index of its scale / zero point. */
function forEachAxis(g: AxisGeometry, visit: (i: number, p: number) => void): void {
  let i = 0;
  for (let o = 0; o < g.outer; o++) for (let a = 0; a < g.axisSize; a++) for (let k = 0; k < g.inner; k++) visit(i++, a * g.perAxis);
}

const QuantizeLinear: OpDef = {
  name: "QuantizeLinear",
  family: "quant",
  dataTypes: "float32, int32 -> int8, uint8",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, [x, s, z]) {
    if (!x) fail("missing-tensor", nodeLabel(node), "the input is required");
    if (x.dtype !== "float32" && x.dtype !== "int32") fail("unsupported-dtype", nodeLabel(node), `QuantizeLinear takes float32 or int32, got ${x.dtype}`);
    const to = outputType(node, z);
    axisGeometry(node, x, s, z, to, "y");
    return [{ dtype: to, shape: x.shape }];
  },
  evaluate(node, [x, s, z]) {
    const to = outputType(node, z);
    const g = axisGeometry(node, x!, s, z, to, "y");
    const xs = x!.toNumbers();
    const scales = s!.toNumbers();
    const zps = z?.toNumbers();
    const out = new Float64Array(xs.length);
    forEachAxis(g, (i, p) => {
      const v = roundHalfEven(Math.fround(Math.fround(xs[i]!) / scales[p]!)) + (zps ? zps[p]! : 0);
      out[i] = saturate(v, to);
    });
    return [Tensor.fromNumbers(to, x!.shape, out)];
  },
  emitC(node, ctx) {
    const [xName, sName, zName = ""] = node.inputs as [string, string, string?];
    const x = ctx.info(xName);
    const z = zName === "" ? undefined : ctx.info(zName);
    const to = outputType(node, z);
    const g = axisGeometry(node, x, ctx.info(sName), z, to, "y");
    const T = DTYPES[to].ctype;
    const X = DTYPES[x.dtype].ctype;
    const fn = `eg_onnx_quantize_${DTYPES[x.dtype].suffix}_${DTYPES[to].suffix}`;
    defineOnnxRounding(ctx);
    ctx.define(fn, [
      `static void ${fn}(const ${X} *x, const float *scale, const ${T} *zp, ${T} *y, int32_t outer, int32_t axis, int32_t inner, int32_t per_axis) {`,
      "  int32_t o, a, k, i = 0;",
      "  for (o = 0; o < outer; o++) for (a = 0; a < axis; a++) {",
      "    int32_t p = a * per_axis;",
      "    float z = zp ? (float)zp[p] : 0.0f;",
      "    for (k = 0; k < inner; k++, i++) {",
      "      float v = (float)x[i] / scale[p];",
      `      y[i] = (${T})eg_onnx_saturate(eg_onnx_rint(v) + z, ${DTYPES[to].min}, ${DTYPES[to].max});`,
      "    }",
      "  }",
      "}",
    ].join("\n"));
    ctx.line(`${fn}(${ctx.ptr(xName)}, ${ctx.ptr(sName)}, ${ctx.ptr(zName)}, ${ctx.ptr(node.outputs[0]!)}, ${g.outer}, ${g.axisSize}, ${g.inner}, ${g.perAxis});`);
  },
};

const DequantizeLinear: OpDef = {
  name: "DequantizeLinear",
  family: "quant",
  dataTypes: "int8, uint8, int32 -> float32",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, [x, s, z]) {
    if (!x) fail("missing-tensor", nodeLabel(node), "the input is required");
    if (x.dtype !== "int8" && x.dtype !== "uint8" && x.dtype !== "int32") fail("unsupported-dtype", nodeLabel(node), `DequantizeLinear takes int8, uint8 or int32, got ${x.dtype}`);
    axisGeometry(node, x, s, z, x.dtype, "x");
    return [{ dtype: "float32", shape: x.shape }];
  },
  evaluate(node, [x, s, z]) {
    const g = axisGeometry(node, x!, s, z, x!.dtype, "x");
    const xs = x!.toNumbers();
    const scales = s!.toNumbers();
    const zps = z?.toNumbers();
    const out = new Float64Array(xs.length);
    forEachAxis(g, (i, p) => {
      out[i] = Math.fround(Math.fround(Math.fround(xs[i]!) - Math.fround(zps ? zps[p]! : 0)) * scales[p]!);
    });
    return [Tensor.fromNumbers("float32", x!.shape, out)];
  },
  emitC(node, ctx) {
    const [xName, sName, zName = ""] = node.inputs as [string, string, string?];
    const x = ctx.info(xName);
    const g = axisGeometry(node, x, ctx.info(sName), zName === "" ? undefined : ctx.info(zName), x.dtype, "x");
    const X = DTYPES[x.dtype].ctype;
    const fn = `eg_onnx_dequantize_${DTYPES[x.dtype].suffix}`;
    ctx.define(fn, [
      `static void ${fn}(const ${X} *x, const float *scale, const ${X} *zp, float *y, int32_t outer, int32_t axis, int32_t inner, int32_t per_axis) {`,
      "  int32_t o, a, k, i = 0;",
      "  for (o = 0; o < outer; o++) for (a = 0; a < axis; a++) {",
      "    int32_t p = a * per_axis;",
      "    float z = zp ? (float)zp[p] : 0.0f;",
      "    for (k = 0; k < inner; k++, i++) y[i] = ((float)x[i] - z) * scale[p];",
      "  }",
      "}",
    ].join("\n"));
    ctx.line(`${fn}(${ctx.ptr(xName)}, ${ctx.ptr(sName)}, ${ctx.ptr(zName)}, ${ctx.ptr(node.outputs[0]!)}, ${g.outer}, ${g.axisSize}, ${g.inner}, ${g.perAxis});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_ONNX_QDQ_OPS: readonly OpDef[] = [QuantizeLinear, DequantizeLinear];
