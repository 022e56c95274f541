import type { Attrs } from "../../ir/graph.js";
import { constantOf, type Converter, type OpContext, type Options } from "./context.js";
import { floatActivation, floatWeight, toNchw, toNhwc } from "./float-helpers.js";
import { PADDING_SAME, PADDING_VALID, windowPads } from "./geometry.js";
import { activationRange, isQuantizedDtype, qAttrs, weightScales } from "./quant.js";

/**
 * Convolutions, fully connected layers and pooling. Integer tensors map onto the quantized ops
 * of docs/quantized-ops.md (NHWC, OHWI weights, TFLite's explicit padding); float tensors onto
 * the IR's NCHW Conv / Gemm / pools between NHWC<->NCHW transposes.
 */

/** BuiltinOptions union types (1-based positions in the schema's union). */
const CONV_2D_OPTIONS = 1;
const DEPTHWISE_CONV_2D_OPTIONS = 2;
const POOL_2D_OPTIONS = 5;
const FULLY_CONNECTED_OPTIONS = 8;
const TRANSPOSE_CONV_OPTIONS = 49;

/** OHWI -> OIHW, and a depthwise [1, kh, kw, C*M] filter -> [C*M, 1, kh, kw]. */
const OHWI_TO_OIHW = [0, 3, 1, 2];
const DEPTHWISE_TO_OIHW = [3, 0, 1, 2];
/** A transposed convolution's OHWI filter -> ConvTranspose's [I, O, kh, kw]. */
const OHWI_TO_IOHW = [3, 0, 1, 2];

function isQuantized(cx: OpContext): boolean {
  return isQuantizedDtype(cx.dtype(cx.input(0)));
}

/** [N, H, W, C] of an input that must be 4-D. */
function nhwc(cx: OpContext, i: number): [number, number, number, number] {
  const s = cx.input(i).shape;
  if (s.length !== 4) cx.fail("bad-shape", `input ${i} (tensor "${cx.input(i).name}") must be 4-D NHWC, got shape [${s.join(",")}]`);
  return s as unknown as [number, number, number, number];
}

interface WindowOptions {
  readonly strides: [number, number];
  readonly dilations: [number, number];
  readonly pads: number[];
}

/** Strides, dilations and TFLite's padding for a window of `kernel` over input 0. */
function window(cx: OpContext, opts: Options, slots: { stride: number; dilation?: number }, kernel: [number, number]): WindowOptions {
  const padding = opts.byte(0, "padding");
  if (padding !== PADDING_SAME && padding !== PADDING_VALID) cx.fail("bad-attribute", `padding ${padding} is not SAME (0) or VALID (1)`);
  const strides: [number, number] = [opts.int(slots.stride + 1, "stride_h"), opts.int(slots.stride, "stride_w")];
  const dilations: [number, number] = slots.dilation === undefined ? [1, 1] : [opts.int(slots.dilation + 1, "dilation_h_factor", 1), opts.int(slots.dilation, "dilation_w_factor", 1)];
  if (![...strides, ...dilations, ...kernel].every((v) => Number.isInteger(v) && v >= 1 && v <= 65536)) {
    cx.fail("bad-attribute", `strides [${strides}], dilations [${dilations}] and kernel [${kernel}] must be positive`);
  }
  const [, h, w] = nhwc(cx, 0);
  const pads = windowPads({ input: [h, w], kernel, strides, dilations, padding });
  return { strides, dilations, pads };
}

/** Filter [O, kh, kw, I] (conv) or [1, kh, kw, C*M] (depthwise): its spatial size. */
function filterKernel(cx: OpContext): [number, number] {
  const [, kh, kw] = nhwc(cx, 1);
  return [kh, kw];
}

function biasInputs(cx: OpContext, bias: (i: number) => string): string[] {
  return cx.has(2) ? [bias(2)] : [];
}

const conv2d: Converter = (cx) => {
  cx.arity(2, 3);
  const opts = cx.options(CONV_2D_OPTIONS, "Conv2DOptions");
  const win = window(cx, opts, { stride: 1, dilation: 4 }, filterKernel(cx));
  const activation = opts.byte(3, "fused_activation_function");
  if (isQuantized(cx)) {
    const attrs: Attrs = {
      ...win,
      ...qAttrs(cx, cx.input(0), "x"),
      w_scale: weightScales(cx, cx.input(1), 0),
      ...qAttrs(cx, cx.output(), "y"),
      ...activationRange(cx, activation, cx.output()),
    };
    cx.finish(cx.helper("QConv2D", [cx.value(0), cx.value(1), ...biasInputs(cx, (i) => cx.value(i))], attrs, "qconv"));
    return;
  }
  const filter = cx.helper("Transpose", [floatWeight(cx, 1)], { perm: OHWI_TO_OIHW }, "oihw");
  const x = toNchw(cx, cx.value(0));
  const y = cx.helper("Conv", [x, filter, ...biasInputs(cx, (i) => floatWeight(cx, i))], { ...win, group: 1 }, "conv");
  cx.finish(toNhwc(cx, floatActivation(cx, y, activation)));
};

const depthwiseConv2d: Converter = (cx) => {
  cx.arity(2, 3);
  const opts = cx.options(DEPTHWISE_CONV_2D_OPTIONS, "DepthwiseConv2DOptions");
  const win = window(cx, opts, { stride: 1, dilation: 5 }, filterKernel(cx));
  const activation = opts.byte(4, "fused_activation_function");
  const channels = nhwc(cx, 0)[3];
  const [one, , , outChannels] = nhwc(cx, 1);
  // TFLite derives the multiplier from the shapes (some converters leave the option at 0 or wrong).
  if (one !== 1 || channels < 1 || outChannels % channels !== 0) {
    cx.fail("bad-shape", `depthwise filter [${cx.input(1).shape}] must be [1, kh, kw, C*M] for ${channels} input channels`);
  }
  const multiplier = outChannels / channels;
  if (isQuantized(cx)) {
    const attrs: Attrs = {
      ...win,
      depth_multiplier: multiplier,
      ...qAttrs(cx, cx.input(0), "x"),
      w_scale: weightScales(cx, cx.input(1), 3),
      ...qAttrs(cx, cx.output(), "y"),
      ...activationRange(cx, activation, cx.output()),
    };
    cx.finish(cx.helper("QDepthwiseConv2D", [cx.value(0), cx.value(1), ...biasInputs(cx, (i) => cx.value(i))], attrs, "qdepthwise"));
    return;
  }
  const filter = cx.helper("Transpose", [floatWeight(cx, 1)], { perm: DEPTHWISE_TO_OIHW }, "oihw");
  const x = toNchw(cx, cx.value(0));
  const y = cx.helper("Conv", [x, filter, ...biasInputs(cx, (i) => floatWeight(cx, i))], { ...win, group: channels }, "conv");
  cx.finish(toNhwc(cx, floatActivation(cx, y, activation)));
};

/**
 * FULLY_CONNECTED: weights [N, K]; the input is viewed as [numel / K, K] unless keep_num_dims
 * keeps its leading dimensions.
 */
const fullyConnected: Converter = (cx) => {
  cx.arity(2, 3);
  const opts = cx.options(FULLY_CONNECTED_OPTIONS, "FullyConnectedOptions");
  const activation = opts.byte(0, "fused_activation_function");
  if (opts.byte(1, "weights_format") !== 0) cx.fail("bad-attribute", "shuffled weights (weights_format SHUFFLED4x16INT8) are not supported; convert with the default weights format");
  const keepNumDims = opts.bool(2, "keep_num_dims");
  const w = cx.input(1);
  if (w.shape.length !== 2) cx.fail("bad-shape", `weights (tensor "${w.name}") must be 2-D [units, depth], got [${w.shape}]`);
  const [units, depth] = w.shape as [number, number];
  const xShape = cx.input(0).shape;
  const flat = (x: string) => (keepNumDims || xShape.length === 2 ? x : cx.helper("Reshape", [x], { shape: [-1, depth] }, "flat"));
  if (isQuantized(cx)) {
    const attrs: Attrs = {
      keep_num_dims: keepNumDims ? 1 : 0,
      ...qAttrs(cx, cx.input(0), "x"),
      w_scale: weightScales(cx, w, 0),
      ...qAttrs(cx, cx.output(), "y"),
      ...activationRange(cx, activation, cx.output()),
    };
    cx.finish(cx.helper("QFullyConnected", [flat(cx.value(0)), cx.value(1), ...biasInputs(cx, (i) => cx.value(i))], attrs, "qfc"));
    return;
  }
  const x = keepNumDims ? cx.helper("Reshape", [cx.value(0)], { shape: [-1, depth] }, "flat") : flat(cx.value(0));
  let y = floatActivation(cx, cx.helper("Gemm", [x, floatWeight(cx, 1), ...biasInputs(cx, (i) => floatWeight(cx, i))], { transB: 1 }, "gemm"), activation);
  if (keepNumDims && xShape.length !== 2) y = cx.helper("Reshape", [y], { shape: [...xShape.slice(0, -1), units] }, "unflat");
  cx.finish(y);
};

function pool(floatOp: "AveragePool" | "MaxPool", quantOp: "QAveragePool2D" | "QMaxPool2D"): Converter {
  return (cx) => {
    cx.arity(1);
    const opts = cx.options(POOL_2D_OPTIONS, "Pool2DOptions");
    const kernel: [number, number] = [opts.int(4, "filter_height"), opts.int(3, "filter_width")];
    const win = window(cx, opts, { stride: 1 }, kernel);
    const activation = opts.byte(5, "fused_activation_function");
    if (isQuantized(cx)) {
      const attrs: Attrs = {
        kernel,
        strides: win.strides,
        pads: win.pads,
        ...qAttrs(cx, cx.input(0), "x"),
        ...qAttrs(cx, cx.output(), "y"),
        ...activationRange(cx, activation, cx.output()),
      };
      cx.finish(cx.helper(quantOp, [cx.value(0)], attrs, "qpool"));
      return;
    }
    // TFLite's average pooling divides by the number of cells inside the input.
    const extra: Attrs = floatOp === "AveragePool" ? { count_include_pad: 0 } : {};
    const y = cx.helper(floatOp, [toNchw(cx, cx.value(0))], { kernel_shape: kernel, strides: win.strides, pads: win.pads, ...extra }, "pool");
    cx.finish(toNhwc(cx, floatActivation(cx, y, activation)));
  };
}

/**
 * TRANSPOSE_CONV: inputs output_shape, weights [O, kh, kw, I], input, bias?. The output size is the
 * output tensor's declared shape (TFLite Micro ignores input 0; a constant input 0 must agree).
 * TFLite's padding is that of the forward convolution from the output back to the input
 * (ComputePaddingHeightWidth with the output's height and width), of which only the top/left
 * offsets matter: the scatter drops whatever falls outside the output.
 */
const transposeConv: Converter = (cx) => {
  cx.arity(3, 4);
  const opts = cx.options(TRANSPOSE_CONV_OPTIONS, "TransposeConvOptions");
  const padding = opts.byte(0, "padding");
  if (padding !== PADDING_SAME && padding !== PADDING_VALID) cx.fail("bad-attribute", `padding ${padding} is not SAME (0) or VALID (1)`);
  const strides: [number, number] = [opts.int(2, "stride_h"), opts.int(1, "stride_w")];
  const activation = opts.byte(3, "fused_activation_function");
  const outShape = cx.output().shape;
  if (outShape.length !== 4 || outShape.some((d) => !(d >= 1))) cx.fail("bad-shape", `output tensor "${cx.output().name}" must have a static 4-D NHWC shape, got [${outShape.join(",")}]`);
  const [, kh, kw] = nhwc(cx, 1);
  if (![...strides, kh, kw].every((v) => Number.isInteger(v) && v >= 1 && v <= 65536)) cx.fail("bad-attribute", `strides [${strides}] and kernel [${kh},${kw}] must be positive`);
  const [n, oh, ow, o] = outShape as unknown as [number, number, number, number];
  const shapeInput = cx.input(0);
  const declared = constantOf(cx.state, shapeInput, cx.label);
  if (declared && declared.toArray().join(",") !== outShape.join(",")) {
    cx.fail("bad-shape", `output_shape input "${shapeInput.name}" holds [${declared.toArray().join(",")}] but the output tensor is declared [${outShape.join(",")}]; the model is inconsistent`);
  }
  const pads = windowPads({ input: [oh, ow], kernel: [kh, kw], strides, dilations: [1, 1], padding });
  const bias = cx.has(3) ? [3] : [];
  if (isQuantizedDtype(cx.dtype(cx.input(2)))) {
    const attrs: Attrs = {
      strides,
      pads: [pads[0]!, pads[1]!],
      output_shape: [n, oh, ow, o],
      ...qAttrs(cx, cx.input(2), "x"),
      w_scale: weightScales(cx, cx.input(1), 0),
      ...qAttrs(cx, cx.output(), "y"),
      ...activationRange(cx, activation, cx.output()),
    };
    cx.finish(cx.helper("QTransposeConv2D", [cx.value(2), cx.value(1), ...bias.map((i) => cx.value(i))], attrs, "qtransposeconv"));
    return;
  }
  // ConvTranspose with an explicit output size puts floor(total / 2) first under SAME_UPPER:
  // TFLite's top/left padding whenever the output is not cropped below the full size.
  const [, h, w] = nhwc(cx, 2);
  const full = [(h - 1) * strides[0] + kh, (w - 1) * strides[1] + kw];
  const upper = [oh, ow].map((out, i) => Math.max(0, Math.floor((full[i]! - out) / 2)));
  if (upper[0] !== pads[0] || upper[1] !== pads[1]) cx.fail("bad-attribute", `float output [${oh},${ow}] with padding ${padding} crops the transposed convolution in a way ConvTranspose cannot express`);
  const filter = cx.helper("Transpose", [floatWeight(cx, 1)], { perm: OHWI_TO_IOHW }, "iohw");
  const y = cx.helper("ConvTranspose", [toNchw(cx, cx.value(2)), filter, ...bias.map((i) => floatWeight(cx, i))], { strides, output_shape: [oh, ow], auto_pad: "SAME_UPPER" }, "convtranspose");
  cx.finish(toNhwc(cx, floatActivation(cx, y, activation)));
};

export const CONV_CONVERTERS: Readonly<Record<string, Converter>> = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  FULLY_CONNECTED: fullyConnected,
  AVERAGE_POOL_2D: pool("AveragePool", "QAveragePool2D"),
  MAX_POOL_2D: pool("MaxPool", "QMaxPool2D"),
  TRANSPOSE_CONV: transposeConv,
};
