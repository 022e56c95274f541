import type { Attrs } from "../ir/graph.js";
import type { Tensor } from "../ir/tensor.js";
import { fusedClamp, outputParams } from "./activation.js";
import { NCHW_TO_NHWC, permute, qAttrs, type Layout } from "./context.js";
import type { Lowering } from "./lowering.js";
import { quantizeBias } from "./params.js";
import { nearestRounder } from "./weight-rounding.js";
import { intsAttr, windowPads } from "./window-geometry.js";

/**
 * Conv -> QConv2D (group 1, or grouped weights), QDepthwiseConv2D (one group per input channel).
 * NCHW convs read the NHWC copy of their input and write an NHWC output; NHWC convs
 * (`layout "NHWC"`, OHWI weights, chosen by layout.rules) use their tensors as they are.
 */
export const lowerConv: Lowering = (cx, node, options) => {
  const [xName, wName, bName] = node.inputs;
  const w = cx.source.constants.get(wName!);
  const b = bName ? cx.source.constants.get(bName) : undefined;
  if (!w) return "the weights are computed at run time";
  if (bName && !b) return "the bias is computed at run time";
  const nhwcNode = node.attrs["layout"] === "NHWC";
  const x = cx.source.values.get(xName!)!;
  if (x.shape.length !== 4) return "only 2-D convolutions have an integer kernel";
  const [, c, h, wd] = nhwcNode ? [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!] : (x.shape as [number, number, number, number]);
  const ohwi = nhwcNode ? w : permute(w, NCHW_TO_NHWC);
  const [o, kh, kw] = ohwi.shape as [number, number, number, number];
  const group = typeof node.attrs["group"] === "number" ? node.attrs["group"] : 1;
  const strides = intsAttr(node, "strides", 2, 1);
  const dilations = intsAttr(node, "dilations", 2, 1);
  if (!strides || !dilations) return "unusual strides or dilations";
  const pads = windowPads(node, [h!, wd!], [(kh - 1) * dilations[0]! + 1, (kw - 1) * dilations[1]! + 1], strides);
  if (!pads) return "its padding has no integer equivalent";
  const dtype = cx.dtypeOf(node.outputs[0]!);
  const y = outputParams(cx, node, dtype);
  const clamp = fusedClamp(node, y, dtype);
  if ("unsupported" in clamp) return clamp.unsupported;
  const depthwise = group > 1 && group === c;
  // Depthwise weights are [1, kh, kw, C*M] with the channel scales on the last axis.
  const weights: Tensor = depthwise ? permute(ohwi, [3, 1, 2, 0]) : ohwi;
  const qw = (options.rounder ?? nearestRounder).round(node, weights, depthwise ? 3 : 0, options.perChannel);
  const layout: Layout = nhwcNode ? "nat" : "nhwc";
  const xq = cx.quantized(xName!, dtype, layout);
  const bias = quantizeBias(b, o, xq.params.scale, qw.scales, dtype);
  const attrs: Attrs = {
    strides,
    dilations,
    pads,
    ...(depthwise ? { depth_multiplier: o / c! } : {}),
    ...qAttrs("x", xq.params),
    w_scale: qw.scales,
    ...qAttrs("y", y),
    ...clamp,
  };
  const out = node.outputs[0]!;
  const suffix = `:${dtype}${layout === "nhwc" ? ":nhwc" : ""}`;
  const wConst = cx.constant(`${wName}${suffix}`, qw.tensor);
  const bConst = cx.constant(`${bName || `${out}/bias`}:${bias.dtype}`, bias);
  const name = cx.emit(depthwise ? "QDepthwiseConv2D" : "QConv2D", [xq.name, wConst, bConst], attrs, `${out}${suffix}`);
  cx.setQuantized(out, { name, dtype, layout, params: y });
  return undefined;
};
