import { fusedClamp } from "./activation.js";
import { qAttrs, type Layout } from "./context.js";
import type { Lowering } from "./lowering.js";
import { intsAttr, windowPads } from "./window-geometry.js";

/**
 * MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool -> QMaxPool2D / QAveragePool2D. The
 * output keeps the input's scale and zero point (TFLite's pooling kernels require it; a max or
 * mean never leaves the input's range). AveragePool must exclude pads from its count (TFLite's
 * does) unless it has none.
 */
export const lowerPool: Lowering = (cx, node) => {
  const xName = node.inputs[0]!;
  const x = cx.source.values.get(xName)!;
  if (x.shape.length !== 4 || node.outputs.length > 1 && node.outputs[1] !== "") return "only 2-D pooling with one output has an integer kernel";
  const nhwcNode = node.attrs["layout"] === "NHWC";
  const [h, w] = nhwcNode ? [x.shape[1]!, x.shape[2]!] : [x.shape[2]!, x.shape[3]!];
  const global = node.op.startsWith("Global");
  const kernel = global ? [h, w] : intsAttr(node, "kernel_shape", 2, 1);
  const strides = global ? [1, 1] : intsAttr(node, "strides", 2, 1);
  const dilations = intsAttr(node, "dilations", 2, 1);
  if (!kernel || !strides || !dilations || dilations.some((d) => d !== 1)) return "dilated or unusual windows have no integer kernel";
  const pads = global ? [0, 0, 0, 0] : windowPads(node, [h, w], kernel, strides);
  if (!pads) return "its padding has no integer equivalent";
  const average = node.op.endsWith("AveragePool");
  if (average && node.attrs["count_include_pad"] === 1 && pads.some((p) => p !== 0)) return "an average that counts pads has no integer kernel";
  const layout: Layout = nhwcNode ? "nat" : "nhwc";
  const dtype = cx.dtypeOf(node.outputs[0]!);
  const xq = cx.quantized(xName, dtype, layout);
  const clamp = fusedClamp(node, xq.params, dtype);
  if ("unsupported" in clamp) return clamp.unsupported;
  const attrs = { kernel, strides, pads, ...qAttrs("x", xq.params), ...qAttrs("y", xq.params), ...clamp };
  const out = node.outputs[0]!;
  const name = cx.emit(average ? "QAveragePool2D" : "QMaxPool2D", [xq.name], attrs, `${out}:${dtype}${layout === "nhwc" ? ":nhwc" : ""}`);
  cx.setQuantized(out, { name, dtype, layout, params: xq.params });
  return undefined;
};
