import { clip, dropout, exp, power, prelu, relu, relu6, unary } from "./activation.js";
import type { LayerConverter } from "./common.js";
import { convolution } from "./conv.js";
import { innerProduct } from "./dense.js";
import { concat, eltwise, slice, split } from "./eltwise.js";
import { batchNorm, bias, lrn, scale } from "./norm.js";
import { pooling } from "./pool.js";
import { interp, upsample } from "./resample.js";
import { crop, flatten, permute, reshape, softmax } from "./shape.js";

export type { LayerConverter } from "./common.js";

/** Caffe layer type -> converter. Input and data layers are handled by the importer itself. */
export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Convolution: (ctx) => convolution(ctx, false),
  Deconvolution: (ctx) => convolution(ctx, true),
  InnerProduct: innerProduct,
  Pooling: pooling,
  ReLU: relu,
  ReLU6: relu6,
  Clip: clip,
  PReLU: prelu,
  ELU: unary("Elu", (ctx) => ({ alpha: ctx.params("elu_param").float("alpha", 1) })),
  Sigmoid: unary("Sigmoid"),
  TanH: unary("Tanh"),
  AbsVal: unary("Abs"),
  BNLL: unary("Softplus"),
  Exp: exp,
  Power: power,
  Dropout: dropout,
  BatchNorm: batchNorm,
  Scale: scale,
  Bias: bias,
  LRN: lrn,
  Eltwise: eltwise,
  Concat: concat,
  Split: split,
  Slice: slice,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  Crop: crop,
  Softmax: softmax,
  Interp: interp,
  Upsample: upsample,
};

export const SUPPORTED_LAYER_TYPES = ["Input", ...Object.keys(LAYER_CONVERTERS)].sort();
