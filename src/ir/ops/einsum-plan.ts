import { fail } from "../../errors.js";
import { nodeLabel, type Node } from "../graph.js";
import { shapeToString, stridesOf, type Shape } from "../shape.js";

/**
 * Einsum equations (numpy's convention, which ONNX follows): `term,term->output` with one letter
 * per dimension and at most one `...` per term for broadcast leading dimensions. Without `->` the
 * output is the ellipsis dimensions followed by the letters used exactly once, in alphabetical
 * order. A letter repeated inside a term walks that term's diagonal. Ellipsis dimensions missing
 * from an explicit output are summed.
 *
 * The plan reduces every equation to one loop nest: the output labels (in output order), then the
 * summed labels; each input reads element sum(index[l] * strides[input][l]) with stride 0 where a
 * label does not occur (or broadcasts from size 1).
 */
export interface EinsumPlan {
  /** Sizes of the output labels: the output shape. */
  readonly outDims: readonly number[];
  /** Sizes of the summed labels. */
  readonly sumDims: readonly number[];
  /** Per input: element strides over [output labels..., summed labels...]. */
  readonly strides: readonly (readonly number[])[];
}

interface Term {
  readonly before: string;
  readonly ellipsis: boolean;
  readonly after: string;
}

const LETTER = /^[A-Za-z]*$/;

function parseTerm(node: Node, text: string, what: string): Term {
  const parts = text.split("...");
  if (parts.length > 2) fail("bad-attribute", nodeLabel(node), `${what} "${text}" has more than one "..."`);
  for (const p of parts) {
    if (!LETTER.test(p)) fail("bad-attribute", nodeLabel(node), `${what} "${text}" may hold only letters and one "..."`);
  }
  return { before: parts[0]!, ellipsis: parts.length === 2, after: parts[1] ?? "" };
}

/** Ellipsis dimensions are labelled with digits (never letters): "0" is the outermost. */
function ellipsisLabels(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i));
}

/** The labels of each dimension of an input term, given its rank and the total ellipsis rank. */
function termLabels(node: Node, t: Term, rank: number, ellipsisRank: number, k: number): string[] {
  const named = t.before.length + t.after.length;
  const own = rank - named;
  if (own < 0 || (!t.ellipsis && own !== 0)) {
    fail("bad-shape", nodeLabel(node), `input ${k} has rank ${rank} but its term "${t.before}${t.ellipsis ? "..." : ""}${t.after}" names ${named} dimensions`);
  }
  const ell = ellipsisLabels(ellipsisRank).slice(ellipsisRank - own);
  return [...t.before, ...ell, ...t.after];
}

export function planEinsum(node: Node, equation: string, shapes: readonly Shape[]): EinsumPlan {
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.indexOf("->");
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(",").map((t, k) => parseTerm(node, t, `term ${k}`));
  if (terms.length !== shapes.length) fail("bad-attribute", nodeLabel(node), `equation "${equation}" has ${terms.length} input terms for ${shapes.length} inputs`);
  const ellipsisRank = Math.max(0, ...terms.map((t, k) => (t.ellipsis ? shapes[k]!.length - t.before.length - t.after.length : 0)));
  const labelsOf = terms.map((t, k) => termLabels(node, t, shapes[k]!.length, ellipsisRank, k));

  // Label sizes: named labels must agree; ellipsis labels broadcast from size 1.
  const size = new Map<string, number>();
  labelsOf.forEach((labels, k) =>
    labels.forEach((l, d) => {
      const n = shapes[k]![d]!;
      const seen = size.get(l);
      const broadcast = /\d/.test(l);
      if (seen === undefined || (broadcast && seen === 1)) size.set(l, n);
      else if (seen !== n && !(broadcast && n === 1)) {
        fail("bad-shape", nodeLabel(node), `dimension "${broadcast ? "..." : l}" is ${seen} in one input and ${n} in input ${k} (shape ${shapeToString(shapes[k]!)})`);
      }
    }),
  );

  const ell = ellipsisLabels(ellipsisRank);
  let out: string[];
  if (arrow >= 0) {
    const t = parseTerm(node, eq.slice(arrow + 2), "output");
    out = [...t.before, ...(t.ellipsis ? ell : []), ...t.after];
    const named = [...t.before, ...t.after];
    named.forEach((l, i) => {
      if (!size.has(l)) fail("bad-attribute", nodeLabel(node), `output label "${l}" does not occur in any input`);
      if (named.indexOf(l) !== i) fail("bad-attribute", nodeLabel(node), `output label "${l}" appears twice`);
    });
  } else {
    const counts = new Map<string, number>();
    terms.forEach((t) => [...t.before, ...t.after].forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1)));
    // Alphabetical order: numpy sorts by character code (uppercase first).
    out = [...ell, ...[...counts].filter(([, c]) => c === 1).map(([l]) => l).sort()];
  }
  const summed = [...size.keys()].filter((l) => !out.includes(l));
  const loop = [...out, ...summed];
  const strides = labelsOf.map((labels, k) => {
    const own = stridesOf(shapes[k]!);
    return loop.map((l) => labels.reduce((s, m, d) => (m === l && shapes[k]![d] !== 1 ? s + own[d]! : s), 0));
  });
  return { outDims: out.map((l) => size.get(l)!), sumDims: summed.map((l) => size.get(l)!), strides };
}
