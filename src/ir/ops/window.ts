import { fail } from "../../errors.js";
import { attrInts, attrString, checkOneOf } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";

/**
 * Sliding-window geometry shared by Conv, ConvTranspose and the pooling ops.
 *
 * Every window op is computed as 3-D (D, H, W): 1-D and 2-D inputs get leading spatial axes of
 * size 1 with kernel 1, stride 1, dilation 1 and no padding, so one C kernel and one reference
 * loop serve all ranks. Invariant: every array of a `Window3` has exactly 3 entries.
 */
export interface Window3 {
  readonly input: readonly number[];
  readonly output: readonly number[];
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padBegin: readonly number[];
  readonly padEnd: readonly number[];
}

export const MAX_SPATIAL_RANK = 3;

export type AutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";

/** Strides, dilations, pads and auto_pad of a window op, validated against the spatial rank. */
export interface WindowAttrs {
  readonly stride: number[];
  readonly dilation: number[];
  /** ONNX order: all begins, then all ends. */
  readonly pads: number[];
  readonly autoPad: AutoPad;
}

/** Checks the input rank (N, C, spatial...) and returns the spatial rank. */
export function spatialRankOf(node: Node, shape: readonly number[], what = "input"): number {
  const rank = shape.length - 2;
  if (rank < 1 || rank > MAX_SPATIAL_RANK) {
    fail("bad-shape", nodeLabel(node), `${what} must have shape [N, C, D1...Dk] with 1 <= k <= ${MAX_SPATIAL_RANK} spatial axes, got rank ${shape.length}`);
  }
  return rank;
}

function checkList(node: Node, attr: string, values: readonly number[], length: number, min: number): void {
  if (values.length !== length) {
    const per = attr === "pads" ? "a begin and an end per spatial axis" : "one per spatial axis";
    fail("bad-attribute", nodeLabel(node), `attribute "${attr}" has ${values.length} values, expected ${length} (${per})`);
  }
  values.forEach((v, i) => {
    if (v < min) fail("bad-attribute", nodeLabel(node), `attribute "${attr}"[${i}] = ${v} must be >= ${min}`);
  });
}

export function readWindowAttrs(node: Node, rank: number): WindowAttrs {
  const ones = new Array<number>(rank).fill(1);
  const stride = attrInts(node, "strides", ones);
  const dilation = attrInts(node, "dilations", ones);
  const pads = attrInts(node, "pads", new Array<number>(2 * rank).fill(0));
  const autoPad = checkOneOf(node, "auto_pad", attrString(node, "auto_pad", "NOTSET"), ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"] as const) as AutoPad;
  checkList(node, "strides", stride, rank, 1);
  checkList(node, "dilations", dilation, rank, 1);
  checkList(node, "pads", pads, 2 * rank, 0);
  return { stride, dilation, pads, autoPad };
}

/** Kernel shape from the attribute, or from the weight's trailing dims when absent. */
export function readKernelShape(node: Node, rank: number, fromWeight?: readonly number[]): number[] {
  const kernel = attrInts(node, "kernel_shape", fromWeight ? [...fromWeight] : undefined);
  checkList(node, "kernel_shape", kernel, rank, 1);
  if (fromWeight && kernel.some((k, i) => k !== fromWeight[i])) {
    fail("bad-attribute", nodeLabel(node), `attribute "kernel_shape" [${kernel.join(",")}] does not match the weight's spatial dims [${fromWeight.join(",")}]`);
  }
  return kernel;
}

/** Pads each per-axis list to 3 entries by prepending `fill`. */
export function to3(values: readonly number[], fill: number): number[] {
  return [...new Array<number>(MAX_SPATIAL_RANK - values.length).fill(fill), ...values];
}

/**
 * Output size and padding of a forward window (Conv, pooling) along each axis. `ceil` selects
 * ceil_mode (pooling): a last window that would start inside the end padding only is dropped, as
 * onnxruntime and PyTorch do.
 */
export function forwardWindow(node: Node, input: readonly number[], kernel: readonly number[], a: WindowAttrs, ceil = false): Window3 {
  const rank = input.length;
  const output: number[] = [];
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  for (let i = 0; i < rank; i++) {
    const s = a.stride[i]!;
    const extent = (kernel[i]! - 1) * a.dilation[i]! + 1;
    const size = input[i]!;
    let out: number;
    let pb = 0;
    let pe = 0;
    if (a.autoPad === "SAME_UPPER" || a.autoPad === "SAME_LOWER") {
      out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + extent - size);
      pb = a.autoPad === "SAME_UPPER" ? Math.floor(total / 2) : Math.ceil(total / 2);
      pe = total - pb;
    } else {
      if (a.autoPad === "NOTSET") {
        pb = a.pads[i]!;
        pe = a.pads[i + rank]!;
      }
      const span = size + pb + pe - extent;
      if (span < 0) {
        fail("bad-shape", nodeLabel(node), `the kernel's extent ${extent} along spatial axis ${i} (kernel ${kernel[i]}, dilation ${a.dilation[i]}) is larger than the padded input ${size + pb + pe}; check kernel_shape, dilations and pads`);
      }
      out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      if (ceil && (out - 1) * s >= size + pb) out--;
    }
    output.push(out);
    padBegin.push(pb);
    padEnd.push(pe);
  }
  return {
    input: to3(input, 1),
    output: to3(output, 1),
    kernel: to3(kernel, 1),
    stride: to3(a.stride, 1),
    dilation: to3(a.dilation, 1),
    padBegin: to3(padBegin, 0),
    padEnd: to3(padEnd, 0),
  };
}

/** The 3-D output dims back at the op's own spatial rank. */
export function spatialOut(w: Window3, rank: number): number[] {
  return w.output.slice(MAX_SPATIAL_RANK - rank);
}

/** Parameters of a window for the C kernels, in the order the kernels' headers document. */
export function windowParams(w: Window3): number[] {
  return [...w.input, ...w.output, ...w.kernel, ...w.stride, ...w.dilation, ...w.padBegin];
}

/**
 * Memory layout of a 2-D window op's activations (attribute `layout`, an Egret extension added by
 * the optimizer's layout rules; ONNX has no such attribute). "NCHW" (the default) is ONNX's;
 * "NHWC" keeps channels innermost: x and y are [N, H, W, C] and Conv's weight is OHWI
 * ([M, kH, kW, C/group]). Every other attribute keeps its ONNX meaning (pads stay
 * [begin H, begin W, end H, end W]).
 */
export type Layout = "NCHW" | "NHWC";

/** Transpose permutations (output axis k = input axis perm[k]) between the two layouts. */
export const NHWC_TO_NCHW: readonly number[] = [0, 3, 1, 2];
export const NCHW_TO_NHWC: readonly number[] = [0, 2, 3, 1];

export function readLayout(node: Node): Layout {
  return checkOneOf(node, "layout", attrString(node, "layout", "NCHW"), ["NCHW", "NHWC"] as const) as Layout;
}

/** `shape` transposed by `perm`. */
export function permuteShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((axis) => shape[axis]!);
}

/**
 * The channels-first ([N, C, spatial...]) view of a window op's `what` tensor: unchanged for
 * NCHW; for NHWC the tensor must be rank 4 ([N, H, W, C]) and is viewed as [N, C, H, W].
 */
export function channelsFirstShape(node: Node, layout: Layout, shape: readonly number[], what = "input"): readonly number[] {
  if (layout === "NCHW") return shape;
  if (shape.length !== 4) fail("bad-shape", nodeLabel(node), `with layout "NHWC" the ${what} must have shape [N, H, W, C] (rank 4), got rank ${shape.length}`);
  return permuteShape(shape, NHWC_TO_NCHW);
}

/** Reference-path transpose of row-major `values` of `shape` by `perm` (as ONNX Transpose). */
export function permuteValues(values: Float64Array, shape: readonly number[], perm: readonly number[]): Float64Array {
  const rank = shape.length;
  const outShape = permuteShape(shape, perm);
  const inStrides = new Array<number>(rank).fill(1);
  for (let k = rank - 2; k >= 0; k--) inStrides[k] = inStrides[k + 1]! * shape[k + 1]!;
  // Input stride of each output axis: walking the output in row-major order reads x through these.
  const strides = perm.map((axis) => inStrides[axis]!);
  const out = new Float64Array(values.length);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[from]!;
    for (let k = rank - 1; k >= 0; k--) {
      index[k] = index[k]! + 1;
      from += strides[k]!;
      if (index[k]! < outShape[k]!) break;
      from -= strides[k]! * outShape[k]!;
      index[k] = 0;
    }
  }
  return out;
}
