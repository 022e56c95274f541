import type { AttrValue, Attrs } from "../ir/graph.js";
import { facts, intsOr, numberList, value, type AttrFunctionDef, type GuardDef } from "./arg-access.js";

/**
 * Attribute arithmetic for folding a Pad into the padding of a Conv or pooling window
 * (rules/fusion.rules). Window pads are ONNX's [begin of spatial axis 0.., end of spatial axis
 * 0..]; Pad's are [begin of each padded axis.., end of each..] over `axes` (default: all).
 */

/**
 * Pad's per-axis padding as a window's spatial pads for an input of rank `rank` ([N, C, spatial...]),
 * or undefined unless only spatial axes are padded and nothing is cropped.
 */
export function spatialPads(pads: readonly number[], axesAttr: readonly number[] | undefined, rank: number): number[] | undefined {
  const axes = (axesAttr ?? Array.from({ length: rank }, (_, i) => i)).map((a) => (a < 0 ? a + rank : a));
  if (pads.length !== 2 * axes.length || axes.some((a) => !(a >= 0 && a < rank)) || new Set(axes).size !== axes.length) return undefined;
  const spatial = rank - 2;
  const out = new Array<number>(2 * spatial).fill(0);
  for (const [i, axis] of axes.entries()) {
    const [begin, end] = [pads[i]!, pads[i + axes.length]!];
    if (begin < 0 || end < 0 || !Number.isInteger(begin) || !Number.isInteger(end)) return undefined;
    if (axis < 2) {
      if (begin !== 0 || end !== 0) return undefined;
      continue;
    }
    out[axis - 2] = begin;
    out[axis - 2 + spatial] = end;
  }
  return out;
}

const ints = (v: AttrValue | Attrs | null | undefined): number[] | undefined => intsOr(v, () => undefined);

export const WINDOW_GUARDS: ReadonlyArray<readonly [string, GuardDef]> = [
  [
    "pads-fit-window",
    {
      params: ["value", "value", "value"],
      doc: "window pads (PADS KERNEL_SHAPE DILATIONS; nil dilations = 1) are each smaller than the window's extent, as pooling requires",
      test: ([p, k, d]) => {
        const pads = ints(value(p));
        const kernel = ints(value(k));
        const dilations = intsOr(value(d), () => kernel?.map(() => 1));
        if (pads === undefined || kernel === undefined || dilations?.length !== kernel.length || pads.length !== 2 * kernel.length) return false;
        return pads.every((pad, i) => pad < (kernel[i % kernel.length]! - 1) * dilations[i % kernel.length]! + 1);
      },
    },
  ],
  [
    "zero-or-nil",
    {
      params: ["value"],
      doc: "the attribute is absent or every number in it is 0 (e.g. a window without padding)",
      test: ([v]) => {
        const x = value(v);
        return x === null || (numberList(x)?.every((n) => n === 0) ?? false);
      },
    },
  ],
];

export const WINDOW_FUNCTIONS: ReadonlyArray<readonly [string, AttrFunctionDef]> = [
  [
    "spatial-pads",
    {
      params: ["value", "value", "class"],
      doc: "(spatial-pads PADS AXES ?x): Pad's pads on ?x ([N, C, spatial...]) as window pads; does not apply if N or C is padded or a pad is negative",
      compute: ([p, a, x]) => {
        const rank = facts(x).type?.shape.length;
        const pads = ints(value(p));
        const axes = value(a) === null ? undefined : ints(value(a));
        if (rank === undefined || rank < 3 || pads === undefined || (value(a) !== null && axes === undefined)) return undefined;
        return spatialPads(pads, axes, rank);
      },
    },
  ],
  [
    "add-ints",
    {
      params: ["value", "value"],
      doc: "element-wise sum of two integer lists of the same length; nil counts as all zeros",
      compute: ([a, b]) => {
        const left = intsOr(value(a), () => undefined);
        const right = intsOr(value(b), () => left?.map(() => 0));
        const lhs = left ?? right?.map(() => 0);
        if (lhs === undefined || right === undefined || lhs.length !== right.length) return undefined;
        return lhs.map((x, i) => x + right[i]!);
      },
    },
  ],
];
