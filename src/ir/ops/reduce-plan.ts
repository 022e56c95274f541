import { fail } from "../../errors.js";
import { attrInt, attrInts } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import { normAxis, numel, stridesOf, type Shape } from "../shape.js";

/**
 * How a reduction walks its input, shared by the evaluator and the C emitter so both visit the
 * elements in the same order.
 *
 * The input dims are split into kept and reduced ones; runs of neighbouring dims of the same kind
 * are merged (size-1 dims dropped), so `keptDims`/`reducedDims` are short. Output element `o` is
 * the kept odometer in row-major order; its inputs start at the kept offset and walk the reduced
 * odometer. Strides are in input elements.
 */
export interface ReducePlan {
  /** `noop_with_empty_axes` with no axes: the output is the input. */
  readonly identity: boolean;
  readonly outShape: number[];
  readonly keptDims: number[];
  readonly keptStrides: number[];
  readonly reducedDims: number[];
  readonly reducedStrides: number[];
  /** Output elements. */
  readonly outCount: number;
  /** Input elements folded into each output element. */
  readonly reducedCount: number;
}

/**
 * Reads `axes` (attribute, or the folded opset-13/18 input), `keepdims` and `noop_with_empty_axes`
 * and validates them against `shape`.
 */
export function planReduce(node: Node, shape: Shape): ReducePlan {
  const rank = shape.length;
  const rawAxes = attrInts(node, "axes", []);
  const keepdims = attrInt(node, "keepdims", 1) !== 0;
  const noop = attrInt(node, "noop_with_empty_axes", 0) !== 0;
  if (rawAxes.length === 0 && noop) {
    return { identity: true, outShape: [...shape], keptDims: [], keptStrides: [], reducedDims: [], reducedStrides: [], outCount: numel(shape), reducedCount: 1 };
  }
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of rawAxes) {
    const axis = normAxis(a, rank);
    if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${a} is out of range for a rank-${rank} input (valid: ${-rank} to ${rank - 1})`);
    if (reduced[axis]) {
      fail("bad-attribute", nodeLabel(node), `axes [${rawAxes.join(", ")}] name axis ${axis} twice`);
    }
    reduced[axis] = true;
  }
  // No axes (and no noop): every axis is reduced.
  if (rawAxes.length === 0) reduced.fill(true);
  const outShape: number[] = [];
  shape.forEach((d, i) => {
    if (!reduced[i]) outShape.push(d);
    else if (keepdims) outShape.push(1);
  });

  const strides = stridesOf(shape);
  const keptDims: number[] = [];
  const keptStrides: number[] = [];
  const reducedDims: number[] = [];
  const reducedStrides: number[] = [];
  // Kind of the last dim appended: neighbours of the same kind are contiguous in row-major order
  // (stride[prev] = dim[cur] * stride[cur] once size-1 dims are ignored), so they merge.
  let lastKind: "kept" | "reduced" | undefined;
  shape.forEach((d, i) => {
    if (d === 1) return;
    const kind = reduced[i] ? "reduced" : "kept";
    const dims = kind === "kept" ? keptDims : reducedDims;
    const st = kind === "kept" ? keptStrides : reducedStrides;
    if (lastKind === kind) {
      dims[dims.length - 1]! *= d;
      st[st.length - 1] = strides[i]!;
    } else {
      dims.push(d);
      st.push(strides[i]!);
    }
    lastKind = kind;
  });
  return {
    identity: false,
    outShape,
    keptDims,
    keptStrides,
    reducedDims,
    reducedStrides,
    outCount: numel(keptDims),
    reducedCount: numel(reducedDims),
  };
}

/** Input offsets of an odometer over `dims` with `strides`, in row-major order. */
export function odometerOffsets(dims: readonly number[], strides: readonly number[]): Int32Array {
  const out = new Int32Array(numel(dims));
  const idx = new Array<number>(dims.length).fill(0);
  let off = 0;
  for (let n = 0; n < out.length; n++) {
    out[n] = off;
    for (let d = dims.length - 1; d >= 0; d--) {
      off += strides[d]!;
      if (++idx[d]! < dims[d]!) break;
      off -= strides[d]! * dims[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
