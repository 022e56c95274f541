import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UnionFind } from "../../src/egraph/index.js";

describe("UnionFind", () => {
  it("starts with singletons and merges transitively", () => {
    const uf = new UnionFind();
    const [a, b, c, d] = [uf.makeSet(), uf.makeSet(), uf.makeSet(), uf.makeSet()];
    expect(uf.find(a)).not.toBe(uf.find(b));
    uf.union(a, b);
    uf.union(c, b);
    expect(uf.find(c)).toBe(uf.find(a));
    expect(uf.find(d)).toBe(d);
  });

  it("keeps the root of the larger set (union by size)", () => {
    const uf = new UnionFind();
    const ids = [uf.makeSet(), uf.makeSet(), uf.makeSet()];
    const big = uf.union(ids[0]!, ids[1]!);
    expect(uf.union(ids[2]!, ids[0]!)).toBe(big);
  });

  it("rejects ids it never allocated", () => {
    expect(() => new UnionFind().find(3)).toThrow(/unknown id 3/);
  });

  it("agrees with a naive partition after random unions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }), (n, pairs) => {
        const uf = new UnionFind();
        for (let i = 0; i < n; i++) uf.makeSet();
        // Naive: a label per element, relabelled wholesale on every union.
        const label = Array.from({ length: n }, (_, i) => i);
        for (const [x, y] of pairs) {
          const [a, b] = [x % n, y % n];
          uf.union(a, b);
          const [from, to] = [label[a], label[b]];
          for (let i = 0; i < n; i++) if (label[i] === from) label[i] = to!;
        }
        const disagreements: string[] = [];
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) if ((uf.find(i) === uf.find(j)) !== (label[i] === label[j])) disagreements.push(`${i}~${j}`);
        }
        expect(disagreements).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
