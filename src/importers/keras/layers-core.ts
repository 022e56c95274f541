import { fail } from "../../errors.js";
import { Tensor } from "../../ir/tensor.js";
import { applyActivation, withLayerActivation } from "./activations.js";
import { isChannelsFirst, singleInput, weight, type KerasConverter } from "./context.js";

/** Dense, activations, reshaping, merging and inference-time no-op layers. */

const dense: KerasConverter = (cx) => {
  const x = singleInput(cx);
  const kernel = weight(cx, "kernel");
  const useBias = cx.config.bool("use_bias", true);
  return withLayerActivation(cx, (hint) => {
    const product = cx.ir.node("MatMul", [x.name, kernel], {}, useBias ? `${hint}/matmul` : hint);
    return { name: useBias ? cx.ir.node("Add", [product, weight(cx, "bias")], {}, hint) : product, rank: x.rank };
  });
};

const activation: KerasConverter = (cx) => applyActivation(cx, singleInput(cx), cx.config.string("activation"), cx.name);

/** ReLU layer: max_value caps, negative_slope leaks; a non-zero threshold is not supported. */
const relu: KerasConverter = (cx) => {
  const x = singleInput(cx);
  if (cx.config.number("threshold", 0) !== 0) fail("bad-attribute", cx.label, "a non-zero threshold is not supported");
  const slope = cx.config.number("negative_slope", 0);
  const cap = cx.config.has("max_value") ? cx.config.number("max_value") : undefined;
  if (slope !== 0 && cap !== undefined) fail("bad-attribute", cx.label, "negative_slope together with max_value is not supported");
  if (slope !== 0) return { name: cx.ir.node("LeakyRelu", [x.name], { alpha: slope }, cx.name), rank: x.rank };
  if (cap !== undefined) return { name: cx.ir.node("Clip", [x.name], { min: 0, max: cap }, cx.name), rank: x.rank };
  return { name: cx.ir.node("Relu", [x.name], {}, cx.name), rank: x.rank };
};

const leakyRelu: KerasConverter = (cx) => {
  const x = singleInput(cx);
  return { name: cx.ir.node("LeakyRelu", [x.name], { alpha: cx.config.number("alpha", 0.3) }, cx.name), rank: x.rank };
};

const elu: KerasConverter = (cx) => {
  const x = singleInput(cx);
  return { name: cx.ir.node("Elu", [x.name], { alpha: cx.config.number("alpha", 1) }, cx.name), rank: x.rank };
};

const softmax: KerasConverter = (cx) => {
  const x = singleInput(cx);
  return { name: cx.ir.node("Softmax", [x.name], { axis: cx.config.number("axis", -1) }, cx.name), rank: x.rank };
};

/**
 * Flatten of a channels_last tensor is a plain reshape because the IR keeps TensorFlow's NHWC
 * layout; 0 keeps the batch size.
 */
const flatten: KerasConverter = (cx) => {
  const x = singleInput(cx);
  if (isChannelsFirst(cx) && x.rank > 2) fail("bad-attribute", cx.label, "Flatten with data_format channels_first is not supported");
  return { name: cx.ir.node("Reshape", [x.name], { shape: [0, -1] }, cx.name), rank: 2 };
};

const reshape: KerasConverter = (cx) => {
  const x = singleInput(cx);
  const target = cx.config.dims("target_shape").map((d) => d ?? -1);
  return { name: cx.ir.node("Reshape", [x.name], { shape: [0, ...target] }, cx.name), rank: target.length + 1 };
};

/** Add, Subtract, Multiply, Maximum, Minimum, Average: a chain of binary IR ops. */
function merge(irOp: string, average = false): KerasConverter {
  return (cx) => {
    if (cx.inputs.length < 2 || (irOp === "Sub" && cx.inputs.length !== 2)) fail("bad-shape", cx.label, `reads ${cx.inputs.length} tensors; ${cx.className} needs ${irOp === "Sub" ? "exactly 2" : "at least 2"}`);
    const rank = Math.max(...cx.inputs.map((t) => t.rank));
    let acc = cx.inputs[0]!.name;
    cx.inputs.slice(1).forEach((t, i) => {
      const last = i === cx.inputs.length - 2 && !average;
      acc = cx.ir.node(irOp, [acc, t.name], {}, last ? cx.name : `${cx.name}/${i}`);
    });
    if (average) {
      const n = cx.ir.constant(`${cx.name}/count`, scalar(cx.inputs.length));
      acc = cx.ir.node("Div", [acc, n], {}, cx.name);
    }
    return { name: acc, rank };
  };
}

function scalar(value: number) {
  return Tensor.scalar("float32", value);
}

const concatenate: KerasConverter = (cx) => {
  if (cx.inputs.length < 1) fail("bad-shape", cx.label, "reads no tensors");
  return { name: cx.ir.node("Concat", cx.inputs.map((t) => t.name), { axis: cx.config.number("axis", -1) }, cx.name), rank: cx.inputs[0]!.rank };
};

/** Layers that only act in training (dropout, noise, regularisers) pass their input through. */
const passThrough: KerasConverter = (cx) => singleInput(cx);

export const CORE_LAYERS: Readonly<Record<string, KerasConverter>> = {
  Dense: dense,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  ELU: elu,
  Softmax: softmax,
  Flatten: flatten,
  Reshape: reshape,
  Add: merge("Add"),
  Subtract: merge("Sub"),
  Multiply: merge("Mul"),
  Maximum: merge("Max"),
  Minimum: merge("Min"),
  Average: merge("Add", true),
  Concatenate: concatenate,
  Dropout: passThrough,
  SpatialDropout1D: passThrough,
  SpatialDropout2D: passThrough,
  AlphaDropout: passThrough,
  GaussianDropout: passThrough,
  GaussianNoise: passThrough,
  ActivityRegularization: passThrough,
};

