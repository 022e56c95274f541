import { fail } from "../../errors.js";
import type { Attrs } from "../../ir/graph.js";
import { Tensor } from "../../ir/tensor.js";
import { depthwiseOihwFilter, inNchw, oihwFilter, paddingAttrs } from "../nhwc.js";
import { withLayerActivation } from "./activations.js";
import { isChannelsFirst, singleInput, weight, weightValue, type KerasConverter, type KerasLayerContext, type KTensor } from "./context.js";

/**
 * Convolution, pooling, batch-norm and padding layers. channels_last layers run in NCHW between
 * two transposes (see ../nhwc.ts); channels_first layers map directly.
 */

function spatial4(cx: KerasLayerContext, x: KTensor): void {
  if (x.rank !== 4) fail("bad-shape", cx.label, `expects a 4-D input (batch, rows, cols, channels), got rank ${x.rank}`);
}

/** `body` on the NCHW view of the layer's input; the result in the layer's own layout. */
function layoutWrapped(cx: KerasLayerContext, x: KTensor, hint: string, body: (nchw: string) => string): KTensor {
  spatial4(cx, x);
  const name = isChannelsFirst(cx) ? body(x.name) : inNchw(cx.ir, x.name, hint, body);
  return { name, rank: 4 };
}

function windowAttrs(cx: KerasLayerContext, strideKey: string, strideDefault: readonly number[], withDilation: boolean): Attrs {
  const padding = cx.config.string("padding", "valid");
  if (padding !== "same" && padding !== "valid") fail("bad-attribute", cx.label, `padding "${padding}" is not supported (same or valid)`);
  const strides = cx.config.ints(strideKey, 2, strideDefault);
  const dilations = withDilation ? { dilations: cx.config.ints("dilation_rate", 2, [1, 1]) } : {};
  return { strides, ...dilations, ...paddingAttrs(padding === "same" ? "SAME" : "VALID") };
}

/** The optional bias as the Conv's third input. */
function biasInputs(cx: KerasLayerContext): string[] {
  return cx.config.bool("use_bias", true) ? [weight(cx, "bias")] : [];
}

const conv2d: KerasConverter = (cx) => {
  const x = singleInput(cx);
  const attrs = { ...windowAttrs(cx, "strides", [1, 1], true), group: cx.config.number("groups", 1) };
  const filter = oihwFilter(cx.ir, weight(cx, "kernel"), cx.name);
  const bias = biasInputs(cx);
  return withLayerActivation(cx, (hint) => layoutWrapped(cx, x, hint, (nchw) => cx.ir.node("Conv", [nchw, filter, ...bias], attrs, hint)));
};

function depthwiseFilter(cx: KerasLayerContext): { filter: string; channels: number } {
  const kernel = weightValue(cx, "depthwise_kernel");
  if (kernel.shape.length !== 4) fail("bad-shape", cx.label, `depthwise_kernel must be [kh, kw, channels, multiplier], got rank ${kernel.shape.length}`);
  return { filter: depthwiseOihwFilter(cx.ir, weight(cx, "depthwise_kernel"), kernel.shape, cx.name), channels: kernel.shape[2]! };
}

const depthwiseConv2d: KerasConverter = (cx) => {
  const x = singleInput(cx);
  const { filter, channels } = depthwiseFilter(cx);
  const attrs = { ...windowAttrs(cx, "strides", [1, 1], true), group: channels };
  const bias = biasInputs(cx);
  return withLayerActivation(cx, (hint) => layoutWrapped(cx, x, hint, (nchw) => cx.ir.node("Conv", [nchw, filter, ...bias], attrs, hint)));
};

/** SeparableConv2D: a depthwise conv (no bias) then a 1x1 conv carrying the bias. */
const separableConv2d: KerasConverter = (cx) => {
  const x = singleInput(cx);
  const { filter, channels } = depthwiseFilter(cx);
  const attrs = { ...windowAttrs(cx, "strides", [1, 1], true), group: channels };
  const pointwise = oihwFilter(cx.ir, weight(cx, "pointwise_kernel"), `${cx.name}/pointwise`);
  const bias = biasInputs(cx);
  return withLayerActivation(cx, (hint) =>
    layoutWrapped(cx, x, hint, (nchw) => {
      const depthwise = cx.ir.node("Conv", [nchw, filter], attrs, `${hint}/depthwise`);
      return cx.ir.node("Conv", [depthwise, pointwise, ...bias], {}, hint);
    }),
  );
};

function pool(irOp: "MaxPool" | "AveragePool"): KerasConverter {
  return (cx) => {
    const x = singleInput(cx);
    const kernel = cx.config.ints("pool_size", 2, [2, 2]);
    // Keras pooling counts only real cells in the average, like TensorFlow.
    const extra = irOp === "AveragePool" ? { count_include_pad: 0 } : {};
    const attrs = { kernel_shape: kernel, ...windowAttrs(cx, "strides", kernel, false), ...extra };
    return layoutWrapped(cx, x, cx.name, (nchw) => cx.ir.node(irOp, [nchw], attrs, cx.name));
  };
}

/** Global pooling reduces the spatial axes in place: no layout change needed. */
function globalPool(irOp: "ReduceMean" | "ReduceMax"): KerasConverter {
  return (cx) => {
    const x = singleInput(cx);
    spatial4(cx, x);
    const keepdims = cx.config.bool("keepdims", false);
    const axes = isChannelsFirst(cx) ? [2, 3] : [1, 2];
    return { name: cx.ir.node(irOp, [x.name], { axes, keepdims: keepdims ? 1 : 0 }, cx.name), rank: keepdims ? 4 : 2 };
  };
}

/**
 * BatchNormalization over the channel axis: NCHW BatchNormalization for 4-D tensors (wrapped
 * for channels_last), direct for 2-D [batch, features]. Absent gamma (scale=False) is 1 and
 * absent beta (center=False) is 0.
 */
const batchNorm: KerasConverter = (cx) => {
  const x = singleInput(cx);
  const axisJson = cx.config.json("axis");
  const axis = Array.isArray(axisJson) && axisJson.length === 1 ? axisJson[0] : (axisJson ?? -1);
  const channelAxis = typeof axis === "number" ? (axis < 0 ? axis + x.rank : axis) : -1;
  const lastAxis = channelAxis === x.rank - 1;
  if (!(x.rank === 2 && channelAxis === 1) && !(x.rank === 4 && (lastAxis || channelAxis === 1))) {
    fail("bad-attribute", cx.label, `normalises axis ${JSON.stringify(axisJson)} of a rank-${x.rank} tensor; supported: the channel axis of 2-D or 4-D tensors`);
  }
  const mean = weightValue(cx, "moving_mean");
  const channels = mean.size;
  const filled = (short: string, value: number) =>
    cx.weights.has(short) ? weight(cx, short) : cx.ir.constant(`${cx.name}/${short}`, Tensor.fromNumbers("float32", [channels], new Float64Array(channels).fill(value)));
  const params = [filled("gamma", 1), filled("beta", 0), weight(cx, "moving_mean"), weight(cx, "moving_variance")];
  const attrs = { epsilon: cx.config.number("epsilon", 1e-3) };
  const bn = (input: string) => cx.ir.node("BatchNormalization", [input, ...params], attrs, cx.name);
  if (x.rank === 2 || channelAxis === 1) return { name: bn(x.name), rank: x.rank };
  return { name: inNchw(cx.ir, x.name, cx.name, bn), rank: 4 };
};

/** ZeroPadding2D: `padding` is p, [rows, cols] or [[top, bottom], [left, right]]. */
const zeroPadding2d: KerasConverter = (cx) => {
  const x = singleInput(cx);
  spatial4(cx, x);
  const p = cx.config.json("padding");
  let rows: number[];
  let cols: number[];
  if (typeof p === "number") [rows, cols] = [[p, p], [p, p]];
  else if (Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === "number")) [rows, cols] = [[p[0] as number, p[0] as number], [p[1] as number, p[1] as number]];
  else if (Array.isArray(p) && p.length === 2 && p.every((v) => Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number"))) [rows, cols] = p as number[][] as [number[], number[]];
  else return fail("bad-attribute", cx.label, `padding ${JSON.stringify(p)} is not p, [rows, cols] or [[top, bottom], [left, right]]`);
  const [top, bottom, left, right] = [rows[0]!, rows[1]!, cols[0]!, cols[1]!];
  const pads = isChannelsFirst(cx) ? [0, 0, top, left, 0, 0, bottom, right] : [0, top, left, 0, 0, bottom, right, 0];
  return { name: cx.ir.node("Pad", [x.name], { pads, mode: "constant", value: 0 }, cx.name), rank: 4 };
};

export const CONV_LAYERS: Readonly<Record<string, KerasConverter>> = {
  Conv2D: conv2d,
  Convolution2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  MaxPooling2D: pool("MaxPool"),
  MaxPool2D: pool("MaxPool"),
  AveragePooling2D: pool("AveragePool"),
  AvgPool2D: pool("AveragePool"),
  GlobalAveragePooling2D: globalPool("ReduceMean"),
  GlobalMaxPooling2D: globalPool("ReduceMax"),
  BatchNormalization: batchNorm,
  ZeroPadding2D: zeroPadding2d,
};
