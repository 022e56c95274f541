import { fail } from "../../errors.js";
import { attrInt, attrInts, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { Tensor } from "../tensor.js";
import { applyFusedActivation, emitFusedActivation, readFusedActivation } from "./fused-activation.js";
import { prod, requireF32, requireShape } from "./nn-common.js";
import { convReference, convTransposeReference, type ConvPlan } from "./conv-reference.js";
import {
  channelsFirstShape,
  forwardWindow,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  permuteShape,
  permuteValues,
  readKernelShape,
  readLayout,
  readWindowAttrs,
  spatialRankOf,
  to3,
  windowParams,
  type Layout,
  type Window3,
} from "./window.js";

/**
 * Conv and ConvTranspose (1-D to 3-D, groups, dilations, strides, pads, auto_pad, optional bias).
 * Both run as 3-D windows (see window.ts); the C kernels are in runtime-c/kernels/conv_f32.c.
 * A 2-D Conv may also be NHWC (attribute `layout`, see window.ts): the geometry is planned on the
 * channels-first view, the reference transposes around convReference, and the C kernel is
 * runtime-c/kernels/conv_nhwc_f32.c.
 */

/** OHWI weight axes as OIHW (output axis k = input axis perm[k]): the same move as NHWC -> NCHW. */
const OHWI_TO_OIHW = NHWC_TO_NCHW;

function readGroup(node: Node): number {
  const group = attrInt(node, "group", 1);
  if (group < 1) fail("bad-attribute", nodeLabel(node), `attribute "group" = ${group} must be >= 1`);
  return group;
}

function checkBias(node: Node, b: ValueInfo | undefined, channels: number): void {
  if (b) requireShape(node, requireF32(node, b, "bias"), "bias", [channels]);
}

/** A Conv's geometry on the channels-first view, its layout and its output shape in that layout. */
export interface LaidOutConv {
  readonly plan: ConvPlan;
  readonly layout: Layout;
  readonly outShape: number[];
}

export function planLaidOutConv(node: Node, inputs: readonly (ValueInfo | undefined)[]): LaidOutConv {
  const layout = readLayout(node);
  const [x, w, b] = inputs;
  if (layout === "NCHW") {
    const plan = planConv(node, x, w, b);
    return { plan, layout, outShape: plan.outShape };
  }
  const xi = requireF32(node, x, "input");
  const wi = requireF32(node, w, "weight");
  const xView = { dtype: xi.dtype, shape: channelsFirstShape(node, layout, xi.shape) };
  // channelsFirstShape's NHWC -> NCHW move is OHWI -> OIHW on the weight.
  const wView = { dtype: wi.dtype, shape: channelsFirstShape(node, layout, wi.shape, "weight ([M, kH, kW, C/group])") };
  const plan = planConv(node, xView, wView, b);
  return { plan, layout, outShape: permuteShape(plan.outShape, NCHW_TO_NHWC) };
}

/** Geometry of a channels-first Conv (x [N, C, spatial...], w [M, C/group, k...]). */
function planConv(node: Node, x: ValueInfo | undefined, w: ValueInfo | undefined, b: ValueInfo | undefined): ConvPlan {
  const xi = requireF32(node, x, "input");
  const wi = requireF32(node, w, "weight");
  const rank = spatialRankOf(node, xi.shape);
  if (wi.shape.length !== rank + 2) {
    fail("bad-shape", nodeLabel(node), `the weight must have rank ${rank + 2} ([M, C/group, k...]), got ${wi.shape.length}`);
  }
  const group = readGroup(node);
  const [batch, channels] = xi.shape as [number, number];
  const outChannels = wi.shape[0]!;
  if (channels % group !== 0 || outChannels % group !== 0) {
    fail("bad-attribute", nodeLabel(node), `input channels (${channels}) and output channels (${outChannels}) must both be divisible by group = ${group}`);
  }
  if (wi.shape[1] !== channels / group) {
    fail("bad-shape", nodeLabel(node), `the weight's dim 1 is ${wi.shape[1]}, expected input channels / group = ${channels / group}`);
  }
  checkBias(node, b, outChannels);
  const kernel = readKernelShape(node, rank, wi.shape.slice(2));
  const win = forwardWindow(node, xi.shape.slice(2), kernel, readWindowAttrs(node, rank));
  return { batch, inChannels: channels, outChannels, group, win, outShape: [batch, outChannels, ...win.output.slice(3 - rank)] };
}

/**
 * ConvTranspose geometry. Output size per axis: stride*(in-1) + output_padding + extent - pads;
 * with output_shape (or SAME auto_pad) the pads are derived from the requested size, the odd pad
 * going to the end for SAME_UPPER and to the beginning otherwise (the ONNX reference behaviour the
 * conformance data was made with). A negative total padding leaves output positions that only
 * the bias reaches, as onnxruntime does.
 */
function planConvTranspose(node: Node, [x, w, b]: readonly (ValueInfo | undefined)[]): ConvPlan {
  const xi = requireF32(node, x, "input");
  const wi = requireF32(node, w, "weight");
  const rank = spatialRankOf(node, xi.shape);
  if (wi.shape.length !== rank + 2) {
    fail("bad-shape", nodeLabel(node), `the weight must have rank ${rank + 2} ([C, M/group, k...]), got ${wi.shape.length}`);
  }
  const group = readGroup(node);
  const [batch, channels] = xi.shape as [number, number];
  if (channels % group !== 0) fail("bad-attribute", nodeLabel(node), `input channels (${channels}) must be divisible by group = ${group}`);
  if (wi.shape[0] !== channels) fail("bad-shape", nodeLabel(node), `the weight's dim 0 is ${wi.shape[0]}, expected the input channels ${channels}`);
  const outChannels = wi.shape[1]! * group;
  checkBias(node, b, outChannels);
  const kernel = readKernelShape(node, rank, wi.shape.slice(2));
  const a = readWindowAttrs(node, rank);
  const outputPadding = attrInts(node, "output_padding", new Array<number>(rank).fill(0));
  if (outputPadding.length !== rank) fail("bad-attribute", nodeLabel(node), `attribute "output_padding" has ${outputPadding.length} values, expected ${rank}`);
  let requested: number[] | undefined;
  if (hasAttr(node, "output_shape")) {
    requested = attrInts(node, "output_shape");
    if (requested.length === rank + 2) requested = requested.slice(2);
    if (requested.length !== rank) fail("bad-attribute", nodeLabel(node), `attribute "output_shape" has ${requested.length} values, expected ${rank} spatial sizes`);
  }
  const input = xi.shape.slice(2);
  const output: number[] = [];
  const padBegin: number[] = [];
  for (let i = 0; i < rank; i++) {
    const s = a.stride[i]!;
    const op = outputPadding[i]!;
    if (op < 0 || (op >= s && op >= a.dilation[i]!)) {
      fail("bad-attribute", nodeLabel(node), `output_padding[${i}] = ${op} must be >= 0 and smaller than the stride or dilation`);
    }
    const full = s * (input[i]! - 1) + op + (kernel[i]! - 1) * a.dilation[i]! + 1;
    const same = a.autoPad === "SAME_UPPER" || a.autoPad === "SAME_LOWER";
    if (requested || same) {
      const out = requested ? requested[i]! : input[i]! * s;
      const total = Math.max(0, full - out);
      padBegin.push(a.autoPad === "SAME_UPPER" ? Math.floor(total / 2) : total - Math.floor(total / 2));
      output.push(out);
    } else {
      const pb = a.autoPad === "VALID" ? 0 : a.pads[i]!;
      const pe = a.autoPad === "VALID" ? 0 : a.pads[i + rank]!;
      padBegin.push(pb);
      output.push(full - pb - pe);
    }
    if (output[i]! < 1) fail("bad-shape", nodeLabel(node), `the output size along spatial axis ${i} would be ${output[i]}; check pads and output_shape`);
  }
  const win: Window3 = {
    input: to3(input, 1),
    output: to3(output, 1),
    kernel: to3(kernel, 1),
    stride: to3(a.stride, 1),
    dilation: to3(a.dilation, 1),
    padBegin: to3(padBegin, 0),
    padEnd: [0, 0, 0],
  };
  return { batch, inChannels: channels, outChannels, group, win, outShape: [batch, outChannels, ...output] };
}

function infos(inputs: readonly (Tensor | undefined)[]): (ValueInfo | undefined)[] {
  return inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined));
}

function macsOf(p: ConvPlan, transposed: boolean): number {
  const perOutput = (p.inChannels / p.group) * prod(p.win.kernel);
  // A transposed conv does one MAC per (input element, tap, output channel in the group).
  return transposed ? p.batch * p.inChannels * prod(p.win.input) * prod(p.win.kernel) * (p.outChannels / p.group) : p.batch * p.outChannels * prod(p.win.output) * perOutput;
}

export const Conv: OpDef = {
  name: "Conv",
  halfAsFloat: true,
  dataTypes: "float32; float16 (widened to float32 at import)",
  family: "conv",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    readFusedActivation(node);
    return [{ dtype: "float32", shape: planLaidOutConv(node, inputs).outShape }];
  },
  evaluate(node, inputs) {
    const { plan, layout, outShape } = planLaidOutConv(node, infos(inputs));
    const [x, w, b] = inputs;
    let xs = x!.toNumbers();
    let ws = w!.toNumbers();
    if (layout === "NHWC") {
      xs = permuteValues(xs, x!.shape, NHWC_TO_NCHW);
      ws = permuteValues(ws, w!.shape, OHWI_TO_OIHW);
    }
    let y = applyFusedActivation(node, convReference(plan, xs, ws, b?.toNumbers()));
    if (layout === "NHWC") y = permuteValues(y, plan.outShape, NCHW_TO_NHWC);
    return [Tensor.fromNumbers("float32", outShape, y)];
  },
  emitC(node, ctx) {
    const { plan: p, layout } = planLaidOutConv(node, node.inputs.map((n) => (n === "" ? undefined : ctx.info(n))));
    const params = ctx.constArray("int32_t", [p.batch, p.inChannels, p.outChannels, p.group, ...windowParams(p.win)]);
    const unit = layout === "NHWC" ? "conv_nhwc_f32" : "conv_f32";
    ctx.useRuntime(unit);
    const [x, w, b] = node.inputs;
    ctx.line(`eg_${unit}(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params});`);
    emitFusedActivation(node, ctx, prod(p.outShape));
  },
  macs: (node, inputs) => macsOf(planLaidOutConv(node, inputs).plan, false),
};

const ConvTranspose: OpDef = {
  name: "ConvTranspose",
  halfAsFloat: true,
  dataTypes: "float32; float16 (widened to float32 at import)",
  family: "conv",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer: (node, inputs) => [{ dtype: "float32", shape: planConvTranspose(node, inputs).outShape }],
  evaluate(node, inputs) {
    const p = planConvTranspose(node, infos(inputs));
    const [x, w, b] = inputs;
    return [Tensor.fromNumbers("float32", p.outShape, convTransposeReference(p, x!.toNumbers(), w!.toNumbers(), b?.toNumbers()))];
  },
  emitC(node, ctx) {
    const p = planConvTranspose(node, node.inputs.map((n) => (n === "" ? undefined : ctx.info(n))));
    const params = ctx.constArray("int32_t", [p.batch, p.inChannels, p.outChannels, p.group, ...windowParams(p.win)]);
    ctx.useRuntime("conv_f32");
    const [x, w, b] = node.inputs;
    ctx.line(`eg_conv_transpose_f32(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params});`);
  },
  macs: (node, inputs) => macsOf(planConvTranspose(node, inputs), true),
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const CONV_OPS: readonly OpDef[] = [Conv, ConvTranspose];
