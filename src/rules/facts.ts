import type { AttrValue, Attrs, ValueInfo } from "../ir/graph.js";
import type { Tensor } from "../ir/tensor.js";

/**
 * What guards and attribute functions may know about a bound variable. The optimizer fills this
 * from e-class analyses; the soundness checker from concrete tensors. Guards therefore mean the
 * same thing in both places.
 */
export interface ValueFacts {
  /** Undefined for the `None` leaf (an absent optional input). */
  readonly type: ValueInfo | undefined;
  readonly constant: Tensor | undefined;
  readonly range: ValueRange | undefined;
}

/** A resolved guard/function argument. */
export type ArgValue =
  | { readonly kind: "class"; readonly facts: ValueFacts }
  /** An attribute variable's value (undefined: absent with no known default) or a literal. */
  | { readonly kind: "value"; readonly value: AttrValue | Attrs | null | undefined };

export interface MatchFacts {
  /** The matched expression (the rule's left-hand side root). */
  readonly root: ValueFacts;
}

/** Min and max of a tensor's elements: what the value-range analysis and the rule checker know. */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

export function computeRange(tensor: Tensor): ValueRange | undefined {
  const values = tensor.toNumbers();
  if (values.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return undefined;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
