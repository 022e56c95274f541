import type { Attrs } from "../../ir/graph.js";
import type { Converter, OpContext } from "./context.js";
import { floatActivation } from "./float-helpers.js";
import { ACT_NONE, activationName, isQuantizedDtype, qAttrs, qparams } from "./quant.js";

/**
 * Data movement: RESHAPE, TRANSPOSE, STRIDED_SLICE, PAD/PADV2 and CONCATENATION map onto the IR's
 * dtype-generic ops, so quantized tensors go through them unchanged (TFLite requires the same
 * scale and zero point on both sides; CONCATENATION requantizes inputs whose parameters differ).
 * Axis numbers are TFLite's: activations keep their NHWC layout in the IR.
 */
const CONCATENATION_OPTIONS = 10;
const RESHAPE_OPTIONS = 17;
const STRIDED_SLICE_OPTIONS = 32;

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/** The new shape: the constant shape input, else ReshapeOptions.new_shape, else the output's shape. */
const reshape: Converter = (cx) => {
  cx.arity(1, 2);
  let shape: number[] | undefined;
  if (cx.has(1)) {
    const value = cx.input(1);
    if (cx.state.model.buffers[value.buffer]?.length) shape = cx.constant(1, "shape").toArray();
  }
  if (!shape) {
    const fromOptions = cx.options(RESHAPE_OPTIONS, "ReshapeOptions").ints(0, "new_shape");
    shape = fromOptions.length > 0 || cx.output().shape.length === 0 ? fromOptions : [...cx.output().shape];
  }
  // TFLite's 0 in a shape is a zero-sized dimension, never "copy the input dimension".
  cx.finish(cx.helper("Reshape", [cx.value(0)], { shape, allowzero: 1 }, "reshape"));
};

const transpose: Converter = (cx) => {
  cx.arity(2);
  cx.finish(cx.helper("Transpose", [cx.value(0)], { perm: cx.constant(1, "permutation").toArray() }, "transpose"));
};

/**
 * STRIDED_SLICE as Slice, then Squeeze for shrink_axis_mask. A begin_mask / end_mask bit selects
 * the whole axis in the stride's direction; a shrink bit keeps the single element at `begin`;
 * `offset` makes `end` relative to `begin`. Ellipsis and new-axis masks are not supported.
 */
const stridedSlice: Converter = (cx) => {
  cx.arity(4);
  const opts = cx.options(STRIDED_SLICE_OPTIONS, "StridedSliceOptions");
  const begin = cx.constant(1, "begin").toArray();
  const end = cx.constant(2, "end").toArray();
  const strides = cx.constant(3, "strides").toArray();
  const rank = cx.input(0).shape.length;
  if (begin.length !== end.length || begin.length !== strides.length || begin.length > rank) {
    cx.fail("bad-attribute", `begin, end and strides must have the same length, at most the input rank ${rank}; got ${begin.length}, ${end.length} and ${strides.length}`);
  }
  for (const [slot, mask] of [[2, "ellipsis_mask"], [3, "new_axis_mask"]] as const) {
    if (opts.int(slot, mask) !== 0) cx.fail("bad-attribute", `${mask} is not supported; slice with explicit begin/end per axis`);
  }
  const beginMask = opts.int(0, "begin_mask");
  const endMask = opts.int(1, "end_mask");
  const shrinkMask = opts.int(4, "shrink_axis_mask");
  const offset = opts.bool(5, "offset");
  const starts: number[] = [];
  const ends: number[] = [];
  const shrunk: number[] = [];
  strides.forEach((step, i) => {
    const bit = (mask: number) => ((mask >>> i) & 1) === 1;
    if (step === 0) cx.fail("bad-attribute", `stride ${i} is 0`);
    if (bit(shrinkMask)) {
      const b = begin[i]!;
      starts.push(b);
      ends.push(b === -1 ? INT32_MAX : b + 1);
      strides[i] = 1;
      shrunk.push(i);
      return;
    }
    starts.push(bit(beginMask) ? (step > 0 ? 0 : INT32_MAX) : begin[i]!);
    ends.push(bit(endMask) ? (step > 0 ? INT32_MAX : INT32_MIN) : offset ? begin[i]! + end[i]! : end[i]!);
  });
  const axes = starts.map((_, i) => i);
  const sliced = cx.helper("Slice", [cx.value(0)], { starts, ends, axes, steps: strides }, "slice");
  cx.finish(shrunk.length > 0 ? cx.helper("Squeeze", [sliced], { axes: shrunk }, "squeeze") : sliced);
};

/** PAD / PADV2: paddings [rank, 2]; the pad value is 0 in the real domain (the zero point on integers). */
const pad: Converter = (cx) => {
  cx.arity(2, 3);
  const paddings = cx.constant(1, "paddings");
  const rank = paddings.shape[0] ?? 0;
  if (paddings.shape.length !== 2 || paddings.shape[1] !== 2) cx.fail("bad-attribute", `paddings must have shape [rank, 2], got [${paddings.shape}]`);
  const p = paddings.toArray();
  const pads = [...Array.from({ length: rank }, (_, i) => p[2 * i]!), ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!)];
  let value = 0;
  if (cx.has(2)) {
    const v = cx.constant(2, "pad value");
    if (v.size !== 1) cx.fail("bad-attribute", `the pad value must hold one element, got shape [${v.shape}]`);
    value = v.toNumbers()[0]!;
  } else if (isQuantizedDtype(cx.dtype(cx.input(0)))) {
    value = qparams(cx, cx.output()).zeroPoint;
  }
  cx.finish(cx.helper("Pad", [cx.value(0)], { pads, mode: "constant", value }, "pad"));
};

const concatenation: Converter = (cx) => {
  if (cx.op.inputs.length < 1) cx.fail("bad-shape", "has no input");
  const opts = cx.options(CONCATENATION_OPTIONS, "ConcatenationOptions");
  const axis = opts.int(0, "axis");
  const activation = opts.byte(1, "fused_activation_function");
  const attrs: Attrs = { axis };
  if (!isQuantizedDtype(cx.dtype(cx.input(0)))) {
    const inputs = cx.op.inputs.map((_, i) => cx.value(i));
    cx.finish(floatActivation(cx, cx.helper("Concat", inputs, attrs, "concat"), activation));
    return;
  }
  if (activation !== ACT_NONE) cx.fail("bad-attribute", `fused activation ${activationName(activation)} on an integer concatenation is not supported`);
  const out = qparams(cx, cx.output());
  const inputs = cx.op.inputs.map((_, i) => {
    const q = qparams(cx, cx.input(i));
    if (q.scale === out.scale && q.zeroPoint === out.zeroPoint) return cx.value(i);
    return cx.helper("QRequantize", [cx.value(i)], { ...qAttrs(cx, cx.input(i), "x"), ...qAttrs(cx, cx.output(), "y") }, `requantize${i}`);
  });
  cx.finish(cx.helper("Concat", inputs, attrs, "concat"));
};

export const SHAPE_CONVERTERS: Readonly<Record<string, Converter>> = {
  RESHAPE: reshape,
  TRANSPOSE: transpose,
  STRIDED_SLICE: stridedSlice,
  PAD: pad,
  PADV2: pad,
  CONCATENATION: concatenation,
};
