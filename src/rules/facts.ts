import type { AttrValue, Attrs, ValueInfo } from "../ir/graph.js";
import type { Tensor } from "../ir/tensor.js";
import type { ValueRange } from "../egraph/ir/tensor-table.js";

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
