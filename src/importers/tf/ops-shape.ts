import { fail } from "../../errors.js";
import { DTYPES } from "../../ir/dtype.js";
import { arity, constInput, type TfConverter, type TfNodeContext } from "./context.js";

/**
 * Shape-manipulating nodes. Axis numbers are TensorFlow's, which stay valid because activations
 * keep their NHWC layout in the IR. Shape / StridedSlice / Prod / Pack chains (the Keras Flatten)
 * become Shape / Slice / ReduceProd / Unsqueeze+Concat: the core evaluates them once the input
 * shapes are static, so the Reshape ends up with a constant shape.
 */

/** Identity-like nodes are aliases: their output is their input tensor. */
const alias: TfConverter = (cx) => {
  if (cx.inputs.length < 1) fail("bad-shape", cx.label, `has no data input; the graph is corrupt`);
  return [cx.inputs[0]!];
};

const reshape: TfConverter = (cx) => {
  arity(cx, 2);
  // TensorFlow's 0 in a shape is a zero-sized dimension, never "copy the input dim".
  return [cx.ir.node("Reshape", cx.inputs, { allowzero: 1 }, cx.name)];
};

const squeeze: TfConverter = (cx) => {
  arity(cx, 1);
  const axes = cx.attrs.has("squeeze_dims") ? cx.attrs.ints("squeeze_dims") : cx.attrs.ints("axis", []);
  return [cx.ir.node("Squeeze", cx.inputs, axes.length > 0 ? { axes } : {}, cx.name)];
};

const expandDims: TfConverter = (cx) => {
  arity(cx, 2);
  return [cx.ir.node("Unsqueeze", cx.inputs, {}, cx.name)];
};

function scalarInt(cx: TfNodeContext, index: number, what: string): number {
  const t = constInput(cx, index, what);
  if (t.size !== 1) fail("bad-attribute", cx.label, `the ${what} must be a scalar, got shape [${t.shape.join(",")}]`);
  return t.toArray()[0]!;
}

/** ConcatV2 has the axis last, the old Concat first. */
function concat(axisFirst: boolean): TfConverter {
  return (cx) => {
    if (cx.inputs.length < 2) fail("bad-shape", cx.label, "needs at least one value and the axis");
    const axisIndex = axisFirst ? 0 : cx.inputs.length - 1;
    const axis = scalarInt(cx, axisIndex, "concat axis");
    const values = cx.inputs.filter((_, i) => i !== axisIndex);
    return [cx.ir.node("Concat", values, { axis }, cx.name)];
  };
}

/** Pad / PadV2 / MirrorPad: paddings [rank, 2] (before, after) become ONNX's begins-then-ends. */
function pad(kind: "constant" | "mirror"): TfConverter {
  return (cx) => {
    arity(cx, 2, kind === "constant" ? 3 : 2);
    const paddings = constInput(cx, 1, "paddings");
    if (paddings.shape.length !== 2 || paddings.shape[1] !== 2) fail("bad-attribute", cx.label, `paddings must have shape [rank, 2], got [${paddings.shape.join(",")}]`);
    const p = paddings.toArray();
    const rank = paddings.shape[0]!;
    const pads = [...Array.from({ length: rank }, (_, i) => p[2 * i]!), ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!)];
    let mode = "constant";
    if (kind === "mirror") {
      const m = cx.attrs.string("mode");
      if (m !== "REFLECT") fail("bad-attribute", cx.label, `MirrorPad mode "${m}" is not supported (REFLECT only)`);
      mode = "reflect";
    }
    const value = cx.inputs.length === 3 ? scalarFloat(cx, 2, "pad value") : 0;
    return [cx.ir.node("Pad", [cx.inputs[0]!], { pads, mode, value }, cx.name)];
  };
}

function scalarFloat(cx: TfNodeContext, index: number, what: string): number {
  const t = constInput(cx, index, what);
  if (t.size !== 1) fail("bad-attribute", cx.label, `the ${what} must be a scalar`);
  return t.toNumbers()[0]!;
}

/** Shape gives int64 in the IR; TensorFlow's out_type (int32 by default) is restored by a Cast. */
const shape: TfConverter = (cx) => {
  arity(cx, 1);
  const dims = cx.ir.node("Shape", cx.inputs, {}, `${cx.name}/int64`);
  return [cx.ir.node("Cast", [dims], { to: DTYPES[cx.attrs.dtype("out_type", "int32")].onnx }, cx.name)];
};

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/**
 * StridedSlice as Slice (+ Squeeze for shrink_axis_mask). begin_mask / end_mask bits select the
 * full range of their axis; a shrink bit takes the single element at `begin`. Ellipsis and new
 * axes are not supported (Keras and Flatten patterns do not use them).
 */
const stridedSlice: TfConverter = (cx) => {
  arity(cx, 4);
  const begin = constInput(cx, 1, "begin").toArray();
  const end = constInput(cx, 2, "end").toArray();
  const strides = constInput(cx, 3, "strides").toArray();
  if (begin.length !== end.length || begin.length !== strides.length) {
    fail("bad-attribute", cx.label, `begin, end and strides must have the same length, got ${begin.length}, ${end.length} and ${strides.length}`);
  }
  for (const mask of ["ellipsis_mask", "new_axis_mask"]) {
    if (cx.attrs.int(mask, 0) !== 0) fail("bad-attribute", cx.label, `${mask} is not supported; slice with explicit begin/end per axis`);
  }
  const beginMask = cx.attrs.int("begin_mask", 0);
  const endMask = cx.attrs.int("end_mask", 0);
  const shrinkMask = cx.attrs.int("shrink_axis_mask", 0);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  const shrunk: number[] = [];
  begin.forEach((b, i) => {
    const bit = 2 ** i;
    const step = strides[i]!;
    if (step === 0) fail("bad-attribute", cx.label, `stride ${i} is 0`);
    if (Math.floor(shrinkMask / bit) % 2 === 1) {
      starts.push(b);
      ends.push(b === -1 ? INT32_MAX : b + 1);
      steps.push(1);
      shrunk.push(i);
      return;
    }
    starts.push(Math.floor(beginMask / bit) % 2 === 1 ? (step > 0 ? 0 : INT32_MAX) : b);
    ends.push(Math.floor(endMask / bit) % 2 === 1 ? (step > 0 ? INT32_MAX : INT32_MIN) : end[i]!);
    steps.push(step);
  });
  const axes = begin.map((_, i) => i);
  if (shrunk.length === 0) return [cx.ir.node("Slice", [cx.inputs[0]!], { starts, ends, axes, steps }, cx.name)];
  const sliced = cx.ir.node("Slice", [cx.inputs[0]!], { starts, ends, axes, steps }, `${cx.name}/slice`);
  return [cx.ir.node("Squeeze", [sliced], { axes: shrunk }, cx.name)];
};

/** Pack (tf.stack): every value gains the new axis, then they are concatenated along it. */
const pack: TfConverter = (cx) => {
  if (cx.inputs.length < 1) fail("bad-shape", cx.label, "has no values to stack");
  const axis = cx.attrs.int("axis", 0);
  if (cx.inputs.length === 1) return [cx.ir.node("Unsqueeze", cx.inputs, { axes: [axis] }, cx.name)];
  const expanded = cx.inputs.map((x, i) => cx.ir.node("Unsqueeze", [x], { axes: [axis] }, `${cx.name}/value${i}`));
  return [cx.ir.node("Concat", expanded, { axis }, cx.name)];
};

export const SHAPE_CONVERTERS: Readonly<Record<string, TfConverter>> = {
  Identity: alias,
  Snapshot: alias,
  StopGradient: alias,
  PreventGradient: alias,
  // Inference runs with the default (e.g. Keras' learning phase = false).
  PlaceholderWithDefault: alias,
  Reshape: reshape,
  Squeeze: squeeze,
  ExpandDims: expandDims,
  ConcatV2: concat(false),
  Concat: concat(true),
  Pad: pad("constant"),
  PadV2: pad("constant"),
  MirrorPad: pad("mirror"),
  Shape: shape,
  StridedSlice: stridedSlice,
  Pack: pack,
};
