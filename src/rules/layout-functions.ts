import { numel } from "../ir/shape.js";
import { facts, numberList, permutation, value, type AttrFunctionDef, type GuardDef } from "./arg-access.js";

/**
 * Guards and attribute functions for layout rules (rules/layout.rules): permutations, axes and
 * shapes of values moved across a Transpose. Conventions: `Transpose(x, p)` has output axis k =
 * input axis p[k]; a function returns undefined (the match is skipped) when its inputs are not
 * what it expects, e.g. an absent `perm` (which means "reverse" and is not handled).
 */

/** The inverse permutation: q with q[p[k]] = k. */
function invert(p: readonly number[]): number[] {
  const q = new Array<number>(p.length).fill(0);
  p.forEach((axis, k) => (q[axis] = k));
  return q;
}

export const LAYOUT_GUARDS: ReadonlyArray<readonly [string, GuardDef]> = [
  [
    "unit-axes-only",
    {
      params: ["class", "value"],
      doc: "Transpose(?x, perm) only moves axes of size 1, so it keeps the data's order (it is a Reshape)",
      test: ([x, p]) => {
        const shape = facts(x).type?.shape;
        const perm = permutation(value(p));
        if (shape === undefined || perm === undefined || perm.length !== shape.length) return false;
        const moved = perm.filter((axis) => shape[axis] !== 1);
        return moved.every((axis, i) => i === 0 || moved[i - 1]! < axis);
      },
    },
  ],
  [
    "batch-flatten",
    {
      params: ["class", "class", "value"],
      doc: "(batch-flatten ?t ?r PERM): ?r is ?t ([N, ...]) with every axis after N flattened into one, and PERM (?t's transpose) keeps axis 0",
      test: ([t, r, p]) => {
        const ts = facts(t).type?.shape;
        const rs = facts(r).type?.shape;
        const perm = permutation(value(p));
        if (ts === undefined || rs === undefined || perm === undefined || ts.length < 2 || perm.length !== ts.length) return false;
        return perm[0] === 0 && rs.length === 2 && rs[0] === ts[0] && rs[1] === numel(ts.slice(1));
      },
    },
  ],
];

export const LAYOUT_FUNCTIONS: ReadonlyArray<readonly [string, AttrFunctionDef]> = [
  [
    "invert-perm",
    {
      params: ["value"],
      doc: "the inverse permutation q (q[p[k]] = k): Transpose(Transpose(x, p), q) = x",
      compute: ([p]) => {
        const perm = permutation(value(p));
        return perm === undefined ? undefined : invert(perm);
      },
    },
  ],
  [
    "perm-axis",
    {
      params: ["value", "value"],
      doc: "p[axis] (axis may be negative): the input axis of Transpose(x, p) that output axis `axis` reads",
      compute: ([p, a]) => {
        const perm = permutation(value(p));
        const axis = numberList(value(a));
        if (perm === undefined || axis?.length !== 1) return undefined;
        const k = axis[0]! < 0 ? axis[0]! + perm.length : axis[0]!;
        return Number.isInteger(k) && k >= 0 && k < perm.length ? perm[k] : undefined;
      },
    },
  ],
  [
    "align-shape",
    {
      params: ["class", "class"],
      doc: "?c's shape with leading 1s up to ?y's rank (how ?c broadcasts against ?y), e.g. [16] -> [1 1 1 16]",
      compute: ([c, y]) => {
        const cs = facts(c).type?.shape;
        const rank = facts(y).type?.shape.length;
        if (cs === undefined || rank === undefined || cs.length > rank) return undefined;
        return [...new Array<number>(rank - cs.length).fill(1), ...cs];
      },
    },
  ],
  ["shape-of", { params: ["class"], doc: "the shape of ?x", compute: ([x]) => facts(x).type?.shape }],
  [
    "unflatten-rows",
    {
      params: ["class", "class"],
      doc: "(unflatten-rows ?t ?w): ?w's rows split along ?t's axes after the first: [t1, ..., tn, w1]",
      compute: ([t, w]) => {
        const ts = facts(t).type?.shape;
        const ws = facts(w).type?.shape;
        if (ts === undefined || ws?.length !== 2 || ts.length < 2 || numel(ts.slice(1)) !== ws[0]) return undefined;
        return [...ts.slice(1), ws[1]!];
      },
    },
  ],
  [
    "rows-perm",
    {
      params: ["value"],
      doc: "for PERM keeping axis 0: the permutation taking unflatten-rows' [t1..tn, k] weight axes to the untransposed order",
      compute: ([p]) => {
        const perm = permutation(value(p));
        if (perm === undefined || perm[0] !== 0) return undefined;
        const inverse = invert(perm);
        return [...inverse.slice(1).map((axis) => axis - 1), perm.length - 1];
      },
    },
  ],
];
