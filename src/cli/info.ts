import { shapeToString } from "../ir/shape.js";
import type { TensorQuantization } from "../importers/tflite/index.js";
import type { ModelInfo } from "../describe.js";

export function formatInfo(info: ModelInfo): string {
  const lines = [`model: ${info.name}`, "inputs:"];
  for (const i of info.inputs) lines.push(`  ${i.name}: ${i.dtype}[${shapeToString(i.shape)}]${formatQuantization(i.quantization)}`);
  lines.push("outputs:");
  for (const o of info.outputs) lines.push(`  ${o.name}: ${o.dtype}[${shapeToString(o.shape)}]${formatQuantization(o.quantization)}`);
  lines.push(`nodes: ${info.nodes}`);
  for (const [op, n] of Object.entries(info.ops)) lines.push(`  ${op} x${n}`);
  lines.push(`params: ${info.params} (${info.weightBytes} bytes)`);
  lines.push(`MACs: ${info.macs}`);
  return lines.join("\n");
}

/** ` scale=0.5 zero_point=-128` (per-axis: lists and the axis); "" for float tensors. */
function formatQuantization(q: TensorQuantization | undefined): string {
  if (!q) return "";
  if (q.scale.length === 1) return ` scale=${q.scale[0]} zero_point=${q.zeroPoint[0] ?? 0}`;
  return ` scale=[${q.scale.join(",")}] zero_point=[${q.zeroPoint.join(",")}] axis=${q.axis}`;
}
