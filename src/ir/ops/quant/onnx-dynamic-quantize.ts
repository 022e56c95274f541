import { fail } from "../../../errors.js";
import { nodeLabel } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { registerOps } from "../../registry.js";
import { Tensor } from "../../tensor.js";
import { defineOnnxRounding, roundHalfEven } from "./onnx-common.js";

/**
 * ONNX DynamicQuantizeLinear (opset 11): x float32 -> y uint8, y_scale (float32 scalar),
 * y_zero_point (uint8 scalar), from the range of x widened to include 0, in float32 as the ONNX
 * reference computes it:
 *   scale = (max - min) / 255 (1 when x is all zeros); zp = rint(clamp(-min / scale, 0, 255));
 *   y = clamp(rint(x / scale) + zp, 0, 255)
 * with rint rounding half to even.
 */
function quantizeParams(values: ArrayLike<number>): { scale: number; zeroPoint: number } {
  const f = Math.fround;
  let max = 0;
  let min = 0;
  for (let i = 0; i < values.length; i++) {
    max = Math.max(max, values[i]!);
    min = Math.min(min, values[i]!);
  }
  const scale = max === min ? 1 : f(f(max - min) / 255);
  const zeroPoint = roundHalfEven(Math.min(255, Math.max(0, f(0 - f(min / scale)))));
  return { scale, zeroPoint };
}

const DynamicQuantizeLinear: OpDef = {
  name: "DynamicQuantizeLinear",
  family: "quant",
  dataTypes: "float32 -> uint8",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 3 },
  infer(node, [x]) {
    if (x!.dtype !== "float32") fail("unsupported-dtype", nodeLabel(node), `x must be float32, got ${x!.dtype}`);
    return [
      { dtype: "uint8", shape: x!.shape },
      { dtype: "float32", shape: [] },
      { dtype: "uint8", shape: [] },
    ];
  },
  evaluate(_node, [x]) {
    const v = x!.toNumbers();
    const { scale, zeroPoint } = quantizeParams(v);
    const y = v.map((e) => Math.min(255, Math.max(0, roundHalfEven(Math.fround(e / scale)) + zeroPoint)));
    return [Tensor.fromNumbers("uint8", x!.shape, y), Tensor.scalar("float32", scale), Tensor.scalar("uint8", zeroPoint)];
  },
  emitC(node, ctx) {
    defineOnnxRounding(ctx);
    ctx.define("eg_onnx_dynamic_quantize", [
      "static void eg_onnx_dynamic_quantize(const float *x, uint8_t *y, float *y_scale, uint8_t *y_zero_point, int32_t count) {",
      "  float max = 0.0f, min = 0.0f, scale, zp;",
      "  int32_t i;",
      "  for (i = 0; i < count; i++) {",
      "    if (x[i] > max) max = x[i];",
      "    if (x[i] < min) min = x[i];",
      "  }",
      "  /* The range always holds 0; max == min only for an all-zero x, whose scale is 1. */",
      "  scale = max == min ? 1.0f : (max - min) / 255.0f;",
      "  zp = 0.0f - min / scale;",
      "  zp = eg_onnx_rint(zp < 0.0f ? 0.0f : (zp > 255.0f ? 255.0f : zp));",
      "  for (i = 0; i < count && y != NULL; i++) y[i] = (uint8_t)eg_onnx_saturate(eg_onnx_rint(x[i] / scale) + zp, 0, 255);",
      "  if (y_scale != NULL) *y_scale = scale;",
      "  if (y_zero_point != NULL) *y_zero_point = (uint8_t)zp;",
      "}",
    ].join("\n"));
    const count = ctx.info(node.inputs[0]!).shape.reduce((a, b) => a * b, 1);
    const out = (i: number) => ctx.ptr(node.outputs[i] ?? "");
    ctx.line(`eg_onnx_dynamic_quantize(${ctx.ptr(node.inputs[0]!)}, ${out(0)}, ${out(1)}, ${out(2)}, ${count});`);
  },
};

registerOps([DynamicQuantizeLinear]);
