import type { ClassId, ENode } from "./enode.js";
import type { EGraph } from "./egraph.js";

/** Result of joining two analysis values: the joined value and which inputs it differs from. */
export interface MergeResult<D> {
  readonly data: D;
  /** The join differs from `a`: the class keeping `a` must tell its parents. */
  readonly aChanged: boolean;
  /** The join differs from `b`: the class that held `b` must tell its parents. */
  readonly bChanged: boolean;
}

/**
 * An e-class analysis (egg's `Analysis`): a value per class that is a join-semilattice over the
 * class's nodes. The e-graph calls `make` when a node is added (children already carry data),
 * `merge` on every union and whenever a child's data changed, and `modify` after a class's data
 * changed, e.g. to add the folded constant and union it in. Invariant after `rebuild`: every
 * class's data equals the merge of `make` over its nodes.
 *
 * `merge` must be a join: commutative, associative, idempotent, and report `aChanged` only when
 * the result really differs from `a` (otherwise rebuilding never reaches a fixpoint).
 */
export interface Analysis<D> {
  make(egraph: EGraph<D>, node: ENode): D;
  merge(a: D, b: D): MergeResult<D>;
  modify?(egraph: EGraph<D>, classId: ClassId): void;
}

/** The analysis to use when none is needed. */
export const noAnalysis: Analysis<undefined> = {
  make: () => undefined,
  merge: () => ({ data: undefined, aChanged: false, bChanged: false }),
};
