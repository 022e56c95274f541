import { fail } from "../../../errors.js";
import { attrFloat, attrFloats, attrInt } from "../../attrs.js";
import { DTYPES, type DType } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import { f32 } from "./fixed-point.js";

/**
 * Reading and validating the quantization attributes of docs/quantized-ops.md: `<p>_scale` and
 * `<p>_zero_point` for p in x, y, a, b; `w_scale`; `act_min`/`act_max`. Scales come back rounded
 * to float32, because TFLite computes with the float32 values of its flatbuffer.
 */

export type QDType = "int8" | "int16";

export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** The tensor's dtype when it is int8 or int16 (and listed in `allowed`); a clear error otherwise. */
export function requireQ(node: Node, info: ValueInfo | undefined, what: string, allowed: readonly QDType[] = ["int8", "int16"]): QDType {
  if (!info) fail("missing-tensor", nodeLabel(node), `the ${what} input is required`);
  if (!(allowed as readonly DType[]).includes(info.dtype)) {
    fail("unsupported-dtype", nodeLabel(node), `${node.op} takes ${allowed.join(" or ")} for the ${what}, got ${info.dtype}`);
  }
  return info.dtype as QDType;
}

/** `<prefix>_scale` (positive, finite) and `<prefix>_zero_point` (inside the dtype's range). */
export function readQParams(node: Node, prefix: string, dtype: DType): QParams {
  const scale = f32(attrFloat(node, `${prefix}_scale`));
  if (!(scale > 0) || !Number.isFinite(scale)) {
    fail("bad-attribute", nodeLabel(node), `attribute "${prefix}_scale" must be a positive finite number, got ${scale}`);
  }
  const zeroPoint = attrInt(node, `${prefix}_zero_point`, 0);
  const { min, max } = DTYPES[dtype];
  if (zeroPoint < min || zeroPoint > max) {
    fail("bad-attribute", nodeLabel(node), `attribute "${prefix}_zero_point" = ${zeroPoint} is outside the ${dtype} range [${min}, ${max}]`);
  }
  return { scale, zeroPoint };
}

/** Requires a zero point of 0 (TFLite's int16 kernels are symmetric). */
export function requireZeroPoint0(node: Node, p: QParams, prefix: string): void {
  if (p.zeroPoint !== 0) {
    fail("bad-attribute", nodeLabel(node), `int16 ${node.op} needs "${prefix}_zero_point" = 0 (TFLite's int16 kernels are symmetric), got ${p.zeroPoint}`);
  }
}

/** `w_scale`: one positive scale per output channel, or one for all. */
export function readWeightScales(node: Node, channels: number): number[] {
  const scales = attrFloats(node, "w_scale").map(f32);
  if (scales.length !== 1 && scales.length !== channels) {
    fail("bad-attribute", nodeLabel(node), `attribute "w_scale" needs 1 or ${channels} (output channels) values, got ${scales.length}`);
  }
  if (scales.some((s) => !(s > 0) || !Number.isFinite(s))) {
    fail("bad-attribute", nodeLabel(node), `attribute "w_scale" must hold positive finite numbers`);
  }
  return scales.length === channels ? scales : new Array<number>(channels).fill(scales[0]!);
}

/** `act_min`/`act_max`: the output clamp in the quantized domain, default the dtype's range. */
export function readActRange(node: Node, dtype: DType): { min: number; max: number } {
  const lo = DTYPES[dtype].min;
  const hi = DTYPES[dtype].max;
  const min = attrInt(node, "act_min", lo);
  const max = attrInt(node, "act_max", hi);
  if (min < lo || max > hi || min > max) {
    fail("bad-attribute", nodeLabel(node), `act_min/act_max = [${min}, ${max}] must satisfy ${lo} <= act_min <= act_max <= ${hi} for ${dtype} output`);
  }
  return { min, max };
}

/** Requires the weights to be a constant-shaped int8 tensor of the given rank. */
export function requireWeights(node: Node, info: ValueInfo | undefined, rank: number): ValueInfo {
  if (!info) fail("missing-tensor", nodeLabel(node), "the weights input is required");
  if (info.dtype !== "int8") fail("unsupported-dtype", nodeLabel(node), `weights must be int8 (TFLite's symmetric weights), got ${info.dtype}`);
  if (info.shape.length !== rank) fail("bad-shape", nodeLabel(node), `weights must have rank ${rank}, got [${info.shape.join(",")}]`);
  return info;
}

/** The bias dtype that goes with the activation dtype: int32 for int8, int64 (or int32) for int16. */
export function requireBias(node: Node, info: ValueInfo | undefined, xType: QDType, channels: number): ValueInfo | undefined {
  if (!info) return undefined;
  const ok = xType === "int8" ? info.dtype === "int32" : info.dtype === "int64" || info.dtype === "int32";
  if (!ok) fail("unsupported-dtype", nodeLabel(node), `the bias must be ${xType === "int8" ? "int32" : "int64 (or int32)"} with ${xType} activations, got ${info.dtype}`);
  if (info.shape.reduce((a, b) => a * b, 1) !== channels) {
    fail("bad-shape", nodeLabel(node), `the bias must have ${channels} elements (output channels), got [${info.shape.join(",")}]`);
  }
  return info;
}
