import type { Analysis } from "./analysis.js";
import { enodeKey, type ClassId, type ENode, type Term } from "./enode.js";
import { UnionFind } from "./unionfind.js";

/** A node that has `classId` as one of its children's users: `node` lives in class `classId`. */
export interface ParentRef {
  readonly node: ENode;
  readonly classId: ClassId;
}

/** Read-only view of an e-class. After `rebuild`, `nodes` are canonical, distinct and sorted by key. */
export interface EClassView<D> {
  readonly id: ClassId;
  readonly nodes: readonly ENode[];
  readonly parents: readonly ParentRef[];
  readonly data: D;
}

interface EClass<D> {
  readonly id: ClassId;
  nodes: ENode[];
  parents: ParentRef[];
  data: D;
}

/**
 * An egg-style e-graph: union-find + hash-cons + deferred rebuilding.
 *
 * `union` only records work (the merged class's parents go to `pending`); `rebuild` restores the
 * invariants in one batch, which is what makes "search all, apply all, rebuild once" cheap.
 * Invariants when clean (`isClean`, i.e. after `rebuild` with no union since):
 * - congruence: no two classes hold nodes with the same canonical key;
 * - hash-cons: `memo` maps exactly the canonical key of every node to its (canonical) class;
 * - parents: for every node n in class c and child k, `(n, c)` is in `parents` of `find(k)`;
 * - index: `classesWithOp(op)` lists exactly the classes holding a node with that op;
 * - analysis: each class's data is the merge of `make` over its nodes.
 * While dirty, `memo` may also hold stale keys; every node not yet re-canonicalised is in `pending`.
 */
export class EGraph<D> {
  readonly analysis: Analysis<D>;
  private readonly unionFind = new UnionFind();
  private readonly classes = new Map<ClassId, EClass<D>>();
  private readonly memo = new Map<string, ClassId>();
  private readonly classesByOp = new Map<string, Set<ClassId>>();
  /** Parents whose canonical form may have changed (their child class was merged away). */
  private pending: ParentRef[] = [];
  /** Parents whose analysis data must be recomputed (a child's data changed). */
  private analysisPending: ParentRef[] = [];
  /** A union happened since the last rebuild (even one with no parents leaves memo/index stale). */
  private dirty = false;

  constructor(analysis: Analysis<D>) {
    this.analysis = analysis;
  }

  /** True when no union happened since the last rebuild: searching is only valid then. */
  get isClean(): boolean {
    return !this.dirty && this.pending.length === 0 && this.analysisPending.length === 0;
  }

  /** Number of hash-consed e-nodes (egg's `total_size`); exact when clean, an upper bound when dirty. */
  get nodeCount(): number {
    return this.memo.size;
  }

  get classCount(): number {
    return this.classes.size;
  }

  find(id: ClassId): ClassId {
    return this.unionFind.find(id);
  }

  /** The node with its children replaced by their canonical ids (the same object if already canonical). */
  canonicalize(node: ENode): ENode {
    const children = node.children.map((child) => this.find(child));
    return children.every((child, i) => child === node.children[i]) ? node : { ...node, children };
  }

  /** The class that already holds `node` (up to equivalence of children), if any. */
  lookup(node: ENode): ClassId | undefined {
    const id = this.memo.get(enodeKey(this.canonicalize(node)));
    return id === undefined ? undefined : this.find(id);
  }

  /** Adds a node (or finds the class already holding it) and returns its canonical class. */
  add(node: ENode): ClassId {
    const canonical = this.canonicalize(node);
    const key = enodeKey(canonical);
    const existing = this.memo.get(key);
    if (existing !== undefined) return this.find(existing);

    const id = this.unionFind.makeSet();
    const data = this.analysis.make(this, canonical);
    this.classes.set(id, { id, nodes: [canonical], parents: [], data });
    for (const child of canonical.children) this.classOf(child).parents.push({ node: canonical, classId: id });
    this.memo.set(key, id);
    this.indexByOp(canonical.op, id);
    this.analysis.modify?.(this, id);
    return this.find(id);
  }

  /** Adds every node of a tree bottom-up and returns the root's class. */
  addTerm(term: Term): ClassId {
    const children = term.children.map((child) => this.addTerm(child));
    return this.add({ op: term.op, attrs: term.attrs, children });
  }

  /**
   * Declares two classes equal. Cheap: merges the class records and queues the absorbed class's
   * parents for `rebuild`, which restores congruence. Returns false if they were already equal.
   */
  union(a: ClassId, b: ClassId): boolean {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return false;
    this.dirty = true;
    const root = this.unionFind.union(rootA, rootB);
    const absorbed = root === rootA ? rootB : rootA;
    const kept = this.classOf(root);
    const gone = this.classOf(absorbed);
    this.classes.delete(absorbed);

    // Only nodes with a child in `absorbed` change canonical form: exactly `gone.parents`.
    appendAll(this.pending, gone.parents);
    const merged = this.analysis.merge(kept.data, gone.data);
    if (merged.aChanged) appendAll(this.analysisPending, kept.parents);
    if (merged.bChanged) appendAll(this.analysisPending, gone.parents);
    kept.data = merged.data;
    appendAll(kept.nodes, gone.nodes);
    appendAll(kept.parents, gone.parents);
    this.analysis.modify?.(this, root);
    return true;
  }

  /**
   * Restores all invariants after unions: re-canonicalises queued parents, merging classes that
   * became congruent (which queues more work) and re-runs the analysis on parents of changed
   * classes, until both queues are empty; then canonicalises every class and rebuilds the
   * hash-cons and the op index. Returns the number of unions it performed. Cost: O(queued work)
   * plus one O(nodes + parents) sweep.
   */
  rebuild(): number {
    if (this.isClean) return 0;
    let unions = 0;
    while (this.pending.length > 0 || this.analysisPending.length > 0) {
      for (let ref = this.pending.pop(); ref !== undefined; ref = this.pending.pop()) {
        const key = enodeKey(this.canonicalize(ref.node));
        const previous = this.memo.get(key);
        this.memo.set(key, this.find(ref.classId));
        if (previous !== undefined && this.union(previous, ref.classId)) unions++;
      }
      for (let ref = this.analysisPending.pop(); ref !== undefined; ref = this.analysisPending.pop()) {
        const id = this.find(ref.classId);
        const eclass = this.classOf(id);
        const merged = this.analysis.merge(eclass.data, this.analysis.make(this, this.canonicalize(ref.node)));
        if (!merged.aChanged) continue;
        eclass.data = merged.data;
        appendAll(this.analysisPending, eclass.parents);
        this.analysis.modify?.(this, id);
      }
    }
    this.rebuildClasses();
    this.dirty = false;
    return unions;
  }

  /** Canonical ids of all classes, in creation order. */
  classIds(): ClassId[] {
    return [...this.classes.keys()];
  }

  getClass(id: ClassId): EClassView<D> {
    return this.classOf(this.find(id));
  }

  data(id: ClassId): D {
    return this.classOf(this.find(id)).data;
  }

  /** Classes holding at least one node with this op; exact only while the graph is clean. */
  classesWithOp(op: string): readonly ClassId[] {
    return [...(this.classesByOp.get(op) ?? [])];
  }

  /** Hash-cons entries (node key, class id), for invariant checks and debugging. */
  hashConsEntries(): Array<readonly [string, ClassId]> {
    return [...this.memo.entries()];
  }

  private classOf(id: ClassId): EClass<D> {
    const eclass = this.classes.get(id);
    if (eclass === undefined) throw new RangeError(`e-graph: ${id} is not a canonical class id (find it first)`);
    return eclass;
  }

  private indexByOp(op: string, id: ClassId): void {
    let ids = this.classesByOp.get(op);
    if (ids === undefined) this.classesByOp.set(op, (ids = new Set()));
    ids.add(id);
  }

  /** Final sweep of `rebuild`: canonical, deduplicated, key-sorted nodes; fresh memo, index and parents. */
  private rebuildClasses(): void {
    this.memo.clear();
    this.classesByOp.clear();
    for (const eclass of this.classes.values()) {
      const byKey = new Map<string, ENode>();
      for (const node of eclass.nodes) {
        const canonical = this.canonicalize(node);
        byKey.set(enodeKey(canonical), canonical);
      }
      const sorted = [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      eclass.nodes = sorted.map(([, node]) => node);
      for (const [key, node] of sorted) {
        this.memo.set(key, eclass.id);
        this.indexByOp(node.op, eclass.id);
      }
      // Parents accumulate duplicates across unions; a canonical node has one class, so key by node.
      const parents = new Map<string, ParentRef>();
      for (const ref of eclass.parents) {
        const node = this.canonicalize(ref.node);
        parents.set(enodeKey(node), { node, classId: this.find(ref.classId) });
      }
      eclass.parents = [...parents.values()];
    }
  }
}

/** `target.push(...items)` without the argument-count limit of spreading large arrays. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
