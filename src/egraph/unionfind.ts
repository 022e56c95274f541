/**
 * Union-find over dense integer ids (0, 1, 2, ...), with path compression and union by size.
 * Invariant: `parents[i] === i` exactly for the representative (root) of each set, and
 * `sizes[root]` is the number of ids in that set (sizes of non-roots are stale and unused).
 */
export class UnionFind {
  private readonly parents: number[] = [];
  private readonly sizes: number[] = [];

  /** Creates a new singleton set and returns its id (ids are allocated densely from 0). */
  makeSet(): number {
    const id = this.parents.length;
    this.parents.push(id);
    this.sizes.push(1);
    return id;
  }

  get size(): number {
    return this.parents.length;
  }

  /** The representative of `id`'s set; compresses the path so later finds are near O(1). */
  find(id: number): number {
    let root = id;
    for (let parent = this.parentOf(root); parent !== root; parent = this.parentOf(root)) root = parent;
    // Second pass: point every id on the path straight at the root.
    let current = id;
    while (current !== root) {
      const next = this.parentOf(current);
      this.parents[current] = root;
      current = next;
    }
    return root;
  }

  /**
   * Merges the sets of `a` and `b` and returns the new root: the root of the larger set, so trees
   * stay O(log n) deep even before path compression. Ties keep `a`'s root.
   */
  union(a: number, b: number): number {
    let rootA = this.find(a);
    let rootB = this.find(b);
    if (rootA === rootB) return rootA;
    if (this.sizeOf(rootA) < this.sizeOf(rootB)) [rootA, rootB] = [rootB, rootA];
    this.parents[rootB] = rootA;
    this.sizes[rootA] = this.sizeOf(rootA) + this.sizeOf(rootB);
    return rootA;
  }

  private parentOf(id: number): number {
    const parent = this.parents[id];
    if (parent === undefined) throw new RangeError(`union-find: unknown id ${id} (only ${this.parents.length} allocated)`);
    return parent;
  }

  private sizeOf(root: number): number {
    return this.sizes[root] ?? 0;
  }
}
