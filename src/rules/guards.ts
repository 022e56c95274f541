import type { AttrValue, Attrs } from "../ir/graph.js";
import { broadcastShapes, numel } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { facts, numberList, sameShape, value, type AttrFunctionList, type GuardList } from "./arg-access.js";
import type { ValueFacts } from "./facts.js";
import { LAYOUT_FUNCTIONS, LAYOUT_GUARDS } from "./layout-functions.js";
import { NHWC_FUNCTIONS } from "./nhwc-functions.js";
import { SHAPE_GUARDS } from "./shape-guards.js";
import { WINDOW_FUNCTIONS, WINDOW_GUARDS } from "./window-functions.js";

/**
 * Named predicates usable after `:if`, and functions usable as right-hand attribute values.
 * The general ones live here; layout (permutations, shapes) and window-padding arithmetic have
 * their own files and are merged into the two lists below. A RuleVocabulary (vocabulary.ts) is
 * built from these lists plus the target plugins' guards.
 */
export type { AttrFunctionDef, AttrFunctionList, GuardDef, GuardList, ParamKind } from "./arg-access.js";

/** `c` has one value per channel of `y` ([N, C, ...]) laid out on axis 1, or a single value. */
function perChannel(c: ValueFacts, y: ValueFacts): boolean {
  if (c.type === undefined || y.type === undefined || y.type.shape.length < 2) return false;
  const cs = c.type.shape;
  if (numel(cs) === 1) return cs.length <= y.type.shape.length;
  const rank = y.type.shape.length;
  if (cs.length > rank || cs.length < rank - 1) return false;
  const aligned = [...new Array<number>(rank - cs.length).fill(1), ...cs];
  return aligned.every((d, i) => (i === 1 ? d === y.type!.shape[1] : d === 1));
}

/** The core guards (targets add their own through their plugin: src/pipeline/target.ts). */
export const CORE_GUARDS: GuardList = [
  ["is-const", { params: ["class"], doc: "?x is a compile-time constant", test: ([x]) => facts(x).constant !== undefined }],
  ["is-scalar-const", { params: ["class"], doc: "?x is a constant with exactly one element", test: ([x]) => facts(x).constant?.size === 1 }],
  [
    "const-all",
    {
      params: ["class", "value"],
      doc: "?x is a constant whose every element equals the number",
      test: ([x, v]) => {
        const c = facts(x).constant;
        const want = value(v);
        return c !== undefined && typeof want === "number" && c.toNumbers().every((e) => e === want);
      },
    },
  ],
  ["rank=", { params: ["class", "value"], doc: "?x has the given rank", test: ([x, n]) => facts(x).type?.shape.length === value(n) }],
  ["dtype=", { params: ["class", "value"], doc: "?x has the given element type", test: ([x, d]) => facts(x).type?.dtype === value(d) }],
  [
    "same-type",
    {
      params: ["class", "class"],
      doc: "?a and ?b have the same element type and shape",
      test: ([a, b]) => {
        const ta = facts(a).type;
        const tb = facts(b).type;
        return ta !== undefined && tb !== undefined && ta.dtype === tb.dtype && sameShape(ta.shape, tb.shape);
      },
    },
  ],
  [
    "keeps-type",
    {
      params: ["class"],
      doc: "the matched expression has the same element type and shape as ?x",
      test: ([x], match) => {
        const tx = facts(x).type;
        const tr = match.root.type;
        return tx !== undefined && tr !== undefined && tx.dtype === tr.dtype && sameShape(tx.shape, tr.shape);
      },
    },
  ],
  ["non-negative", { params: ["class"], doc: "every element of ?x is known to be >= 0", test: ([x]) => (facts(x).range?.min ?? -1) >= 0 }],
  [
    "finite",
    {
      params: ["class"],
      // Constants only: the range analysis bounds a run-time value's numbers, not whether it holds NaN.
      doc: "?x is a constant whose every element is finite (no ±Inf, no NaN): for rules exact only on finite values, e.g. distributing a multiplication",
      test: ([x]) => facts(x).constant?.toNumbers().every(Number.isFinite) === true,
    },
  ],
  [
    "assume-finite",
    {
      params: ["class"],
      // Always holds when matching: it records an assumption, which the soundness checker honours by drawing ?x finite.
      doc: "always holds: the rewrite is exact only while ?x holds no ±Inf or NaN at run time (e.g. Winograd's transforms mix every input of a tile into every output of it), so the checker draws ?x finite; say so in the rule's comment",
      test: () => true,
    },
  ],
  ["per-channel", { params: ["class", "class"], doc: "?c holds one value per channel (axis 1) of ?y, or a single value", test: ([c, y]) => perChannel(facts(c), facts(y)) }],
  [
    "identity-perm",
    {
      params: ["value"],
      doc: "the permutation is [0, 1, 2, ...] (absent is not: it means reverse)",
      test: ([p]) => {
        const perm = numberList(value(p));
        return perm !== undefined && perm.every((axis, i) => axis === i);
      },
    },
  ],
  [
    "positive-or-nil",
    {
      params: ["value"],
      doc: "the list is absent or all its numbers are > 0",
      test: ([s]) => {
        const v = value(s);
        if (v === undefined || v === null) return true;
        const list = numberList(v);
        return list !== undefined && list.every((x) => x > 0);
      },
    },
  ],
  ["is-number", { params: ["value"], doc: "the attribute is present and a number", test: ([v]) => typeof value(v) === "number" }],
  [
    "not-const",
    {
      params: ["class"],
      doc: "?x is computed at run time (not a constant): keeps rules that regroup constants from firing on all-constant terms, which folding handles",
      test: ([x]) => facts(x).constant === undefined,
    },
  ],
  [
    "broadcast-no-larger",
    {
      params: ["class", "class"],
      doc: "?a and ?b broadcast to a shape no larger than the bigger of the two (combining them does not grow a constant)",
      test: ([a, b]) => {
        const sa = facts(a).type?.shape;
        const sb = facts(b).type?.shape;
        const both = sa && sb ? broadcastShapes([sa, sb]) : undefined;
        return both !== undefined && numel(both) <= Math.max(numel(sa!), numel(sb!));
      },
    },
  ],
  ...LAYOUT_GUARDS,
  ...WINDOW_GUARDS,
  ...SHAPE_GUARDS,
];

/** The attribute functions right-hand sides may call. */
export const CORE_ATTR_FUNCTIONS: AttrFunctionList = [
  [
    "scalar",
    {
      params: ["class"],
      doc: "the value of a one-element constant",
      compute: ([c]) => {
        const t = facts(c).constant;
        return t !== undefined && t.size === 1 ? t.toNumbers()[0] : undefined;
      },
    },
  ],
  [
    "compose-perm",
    {
      params: ["value", "value"],
      doc: "the permutation of Transpose(Transpose(x, p), q): p[q[i]]",
      compute: ([p, q]) => {
        const inner = numberList(value(p));
        const outer = numberList(value(q));
        if (inner === undefined || outer === undefined || inner.length !== outer.length) return undefined;
        return outer.map((axis) => inner[axis]!);
      },
    },
  ],
  ["root-shape", { params: [], doc: "the shape of the matched expression", compute: (_args, match) => match.root.type?.shape }],
  [
    "channel-shape",
    {
      params: ["class"],
      doc: "[-1, 1, 1, ...] with the rank of ?w: reshapes a per-channel vector to broadcast over conv weights",
      compute: ([w]) => {
        const t = facts(w).type;
        return t === undefined || t.shape.length < 1 ? undefined : [-1, ...new Array<number>(t.shape.length - 1).fill(1)];
      },
    },
  ],
  ...LAYOUT_FUNCTIONS,
  ...WINDOW_FUNCTIONS,
  ...NHWC_FUNCTIONS,
];

/** A scalar constant tensor for `(const DTYPE VALUE)`. */
export function scalarConstant(dtype: string, v: number): Tensor | undefined {
  return dtype === "float32" || dtype === "float64" || dtype === "int64" || dtype === "int32" ? Tensor.scalar(dtype, v) : undefined;
}
