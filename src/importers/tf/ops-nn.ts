import { fail } from "../../errors.js";
import type { Attrs } from "../../ir/graph.js";
import { depthwiseOihwFilter, inNchw, oihwFilter, paddingAttrs } from "../nhwc.js";
import { arity, constInput, isNchw, spatialPair, type TfConverter, type TfNodeContext } from "./context.js";

/**
 * Convolution, pooling, bias and batch-norm nodes. NHWC nodes run in NCHW between two transposes
 * (see nhwc.ts); NCHW nodes map directly.
 */

/** `body` in NCHW: wrapped in transposes for NHWC nodes, direct for NCHW ones. */
function layoutWrapped(cx: TfNodeContext, body: (nchw: string) => string): string {
  return isNchw(cx) ? body(cx.inputs[0]!) : inNchw(cx.ir, cx.inputs[0]!, cx.name, body);
}

/** strides, dilations and padding of a Conv2D-like or pooling node as IR window attributes. */
function windowAttrs(cx: TfNodeContext, withDilations: boolean): Attrs {
  const nchw = isNchw(cx);
  const strides = spatialPair(cx, "strides", cx.attrs.ints("strides"), nchw);
  const dilations = withDilations ? spatialPair(cx, "dilations", cx.attrs.ints("dilations", [1, 1, 1, 1]), nchw) : undefined;
  const padding = cx.attrs.string("padding");
  let pads: Attrs;
  if (padding === "SAME" || padding === "VALID") pads = paddingAttrs(padding);
  else if (padding === "EXPLICIT") pads = { pads: explicitPads(cx, nchw) };
  else return fail("bad-attribute", cx.label, `padding "${padding}" is not supported (SAME, VALID or EXPLICIT)`);
  return { strides, ...(dilations ? { dilations } : {}), ...pads };
}

/** explicit_paddings holds (before, after) per dimension in data_format order. */
function explicitPads(cx: TfNodeContext, nchw: boolean): number[] {
  const p = cx.attrs.ints("explicit_paddings");
  if (p.length !== 8 || p.some((v) => v < 0)) fail("bad-attribute", cx.label, `explicit_paddings [${p.join(",")}] must hold 8 non-negative values`);
  const [h, w] = nchw ? [2, 3] : [1, 2];
  const [n, c] = nchw ? [0, 1] : [0, 3];
  if (p[2 * n] || p[2 * n + 1] || p[2 * c] || p[2 * c + 1]) fail("bad-attribute", cx.label, "explicit_paddings pad the batch or channel dimension; only spatial padding is supported");
  return [p[2 * h]!, p[2 * w]!, p[2 * h + 1]!, p[2 * w + 1]!];
}

const conv2d: TfConverter = (cx) => {
  arity(cx, 2);
  const attrs = windowAttrs(cx, true);
  const filter = oihwFilter(cx.ir, cx.inputs[1]!, cx.name);
  return [layoutWrapped(cx, (x) => cx.ir.node("Conv", [x, filter], attrs, cx.name))];
};

const depthwiseConv2d: TfConverter = (cx) => {
  arity(cx, 2);
  const attrs = windowAttrs(cx, true);
  const shape = constInput(cx, 1, "depthwise filter").shape;
  if (shape.length !== 4) fail("bad-shape", cx.label, `the depthwise filter must be [kh, kw, in, multiplier], got rank ${shape.length}`);
  const filter = depthwiseOihwFilter(cx.ir, cx.inputs[1]!, shape, cx.name);
  return [layoutWrapped(cx, (x) => cx.ir.node("Conv", [x, filter], { ...attrs, group: shape[2]! }, cx.name))];
};

function pool(irOp: "MaxPool" | "AveragePool"): TfConverter {
  return (cx) => {
    arity(cx, 1);
    const kernel = spatialPair(cx, "ksize", cx.attrs.ints("ksize"), isNchw(cx));
    // TensorFlow's average pooling divides by the number of real (unpadded) cells.
    const extra: Attrs = irOp === "AveragePool" ? { count_include_pad: 0 } : {};
    const attrs = { kernel_shape: kernel, ...windowAttrs(cx, false), ...extra };
    return [layoutWrapped(cx, (x) => cx.ir.node(irOp, [x], attrs, cx.name))];
  };
}

/** BiasAdd: the bias runs along the channel axis, the last one in NHWC (plain broadcasting). */
const biasAdd: TfConverter = (cx) => {
  arity(cx, 2);
  if (!isNchw(cx)) return [cx.ir.node("Add", [cx.inputs[0]!, cx.inputs[1]!], {}, cx.name)];
  // NCHW (4-D, the only NCHW BiasAdd TensorFlow runs on CPU): the bias as [C, 1, 1].
  const bias = cx.ir.node("Reshape", [cx.inputs[1]!], { shape: [-1, 1, 1] }, `${cx.name}/bias_c11`);
  return [cx.ir.node("Add", [cx.inputs[0]!, bias], {}, cx.name)];
};

/**
 * FusedBatchNorm V1-V3: BatchNormalization on the NCHW view. With is_training (TensorFlow's
 * default; graphs frozen from a training graph keep it, with empty moving statistics) it
 * normalises with the batch statistics like TensorFlow does, and the import warns.
 */
const fusedBatchNorm: TfConverter = (cx) => {
  arity(cx, 5);
  const training = cx.attrs.bool("is_training", true) ? { training_mode: 1 } : {};
  const epsilon = cx.attrs.float("epsilon", 1e-4);
  const [, scale, offset, mean, variance] = cx.inputs as [string, string, string, string, string];
  return [layoutWrapped(cx, (nchw) => cx.ir.node("BatchNormalization", [nchw, scale, offset, mean, variance], { epsilon, ...training }, cx.name))];
};

export const NN_CONVERTERS: Readonly<Record<string, TfConverter>> = {
  Conv2D: conv2d,
  DepthwiseConv2dNative: depthwiseConv2d,
  MaxPool: pool("MaxPool"),
  AvgPool: pool("AveragePool"),
  BiasAdd: biasAdd,
  FusedBatchNorm: fusedBatchNorm,
  FusedBatchNormV2: fusedBatchNorm,
  FusedBatchNormV3: fusedBatchNorm,
};
