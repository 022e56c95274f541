import { fail } from "../../../errors.js";
import { attrInt } from "../../attrs.js";
import { DTYPES, dtypeFromOnnx, type DType } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import { numel, shapeToString } from "../../shape.js";
import { readAxis } from "./onnx-common.js";

/**
 * Which scale / zero point each element of a QuantizeLinear / DequantizeLinear uses, in the three
 * ONNX forms: per tensor (a scalar or [1]), per axis (1-D along `axis`, opset 13) and blocked
 * (`block_size` > 0, opset 21: the scale has x's rank and ceil(d / block_size) entries along
 * `axis`). Element (o, a, k) of x viewed as [outer, axis, inner] reads parameter
 *   p = o * sOuter + floor(a / block) * sAxis + k * sInner,
 * which covers all three forms (strides 0 where the parameter does not vary).
 */
export interface QdqLayout {
  readonly outer: number;
  readonly axis: number;
  readonly inner: number;
  readonly block: number;
  readonly sOuter: number;
  readonly sAxis: number;
  readonly sInner: number;
}

/** Element types of scales: every float type and (QuantizeLinear, opset 21) int32. */
const SCALE_TYPES: ReadonlySet<DType> = new Set(["float32", "float16", "bfloat16", "int32"]);

/** The quantized element types ONNX defines for QuantizeLinear / DequantizeLinear (opset 25). */
export const QUANTIZED_TYPES: readonly DType[] = [
  "int8", "uint8", "int16", "uint16", "int4", "uint4", "int2", "uint2",
  "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "float4e2m1",
];

/** Checks scale and zero point against x and returns the parameter layout. */
export function qdqLayout(node: Node, x: ValueInfo, scale: ValueInfo | undefined, zeroPoint: ValueInfo | undefined, zeroDType: DType | undefined, what: string): QdqLayout {
  const label = nodeLabel(node);
  if (!scale) return fail("missing-tensor", label, `the ${what}_scale input is required`);
  if (!SCALE_TYPES.has(scale.dtype)) fail("unsupported-dtype", label, `the ${what}_scale must be float32, float16, bfloat16 or int32, got ${scale.dtype}`);
  if (zeroPoint) {
    if (zeroDType && zeroPoint.dtype !== zeroDType) fail("unsupported-dtype", label, `the ${what}_zero_point must be ${zeroDType} like the quantized tensor, got ${zeroPoint.dtype}`);
    if (zeroPoint.shape.join(",") !== scale.shape.join(",") && !(numel(zeroPoint.shape) === 1 && numel(scale.shape) === 1)) {
      fail("bad-shape", label, `the ${what}_zero_point ${shapeToString(zeroPoint.shape)} must have the shape of its scale ${shapeToString(scale.shape)}`);
    }
  }
  const size = numel(x.shape);
  const block = attrInt(node, "block_size", 0);
  if (block < 0) fail("bad-attribute", label, `attribute "block_size" = ${block} must be 0 (per tensor or per axis) or positive`);
  if (block === 0 && numel(scale.shape) === 1 && scale.shape.length <= 1) {
    return { outer: 1, axis: 1, inner: size, block: 1, sOuter: 0, sAxis: 0, sInner: 0 };
  }
  const a = readAxis(node, x.shape.length);
  const outer = numel(x.shape.slice(0, a));
  const axis = x.shape[a] ?? 1;
  const inner = numel(x.shape.slice(a + 1));
  if (block === 0) {
    if (scale.shape.length !== 1 || scale.shape[0] !== axis) {
      fail("bad-shape", label, `the ${what}_scale must be a scalar or [${axis}] (one per slice along axis ${a}), got ${shapeToString(scale.shape)}`);
    }
    return { outer, axis, inner, block: 1, sOuter: 0, sAxis: 1, sInner: 0 };
  }
  const blocks = Math.ceil(axis / block);
  const want = x.shape.map((d, i) => (i === a ? blocks : d));
  if (scale.shape.join(",") !== want.join(",")) {
    fail("bad-shape", label, `with block_size ${block} along axis ${a}, the ${what}_scale must be ${shapeToString(want)}, got ${shapeToString(scale.shape)}`);
  }
  return { outer, axis, inner, block, sOuter: blocks * inner, sAxis: inner, sInner: 1 };
}

/** Visits every element with the index of its scale / zero point. */
export function forEachParam(g: QdqLayout, visit: (i: number, p: number) => void): void {
  let i = 0;
  for (let o = 0; o < g.outer; o++) {
    for (let a = 0; a < g.axis; a++) {
      const base = o * g.sOuter + Math.floor(a / g.block) * g.sAxis;
      for (let k = 0; k < g.inner; k++) visit(i++, base + k * g.sInner);
    }
  }
}

/** The layout as the C kernels' trailing arguments. */
export function layoutArgs(g: QdqLayout): string {
  return [g.outer, g.axis, g.inner, g.block, g.sOuter, g.sAxis, g.sInner].join(", ");
}

/** `output_dtype` (opset 21) as a DType, or undefined when absent or 0. */
export function outputDtypeAttr(node: Node): DType | undefined {
  const code = attrInt(node, "output_dtype", 0);
  if (code === 0) return undefined;
  const dtype = dtypeFromOnnx(code);
  if (!dtype) fail("bad-attribute", nodeLabel(node), `attribute "output_dtype" = ${code} is not an ONNX tensor type code`);
  return dtype;
}

/** QuantizeLinear's output type: output_dtype, else the zero point's, else uint8; one of QUANTIZED_TYPES. */
export function quantizedType(node: Node, zeroPoint: ValueInfo | undefined): DType {
  const attr = outputDtypeAttr(node);
  if (attr && zeroPoint && zeroPoint.dtype !== attr) {
    fail("unsupported-dtype", nodeLabel(node), `output_dtype is ${attr} but the zero point is ${zeroPoint.dtype}; they must agree`);
  }
  const t = attr ?? zeroPoint?.dtype ?? "uint8";
  if (!QUANTIZED_TYPES.includes(t)) fail("unsupported-dtype", nodeLabel(node), `the output type must be one of ${QUANTIZED_TYPES.join(", ")}, got ${t}`);
  return t;
}

/** The largest finite value a float8 output saturates to, or undefined for other types. */
export function float8Max(dtype: DType): number | undefined {
  return dtype.startsWith("float8") ? DTYPES[dtype].max : undefined;
}
