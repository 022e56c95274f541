import type { ClassId, ENode } from "./enode.js";
import type { EGraph } from "./egraph.js";

/**
 * The own cost of one e-node (what computing it once costs, children excluded). Must be finite
 * and >= 0. A program's DAG cost is the sum of the own costs of its distinct chosen nodes.
 */
export type NodeCost = (node: ENode) => number;

/** An e-node in dense form: children as dense class indices. */
export interface DenseNode {
  readonly node: ENode;
  readonly own: number;
  readonly children: readonly number[];
}

/**
 * A clean e-graph copied into dense arrays for the DAG extractors: class `i` is `ids[i]`, its
 * nodes are `nodes[i]` (key order, as in the e-graph). Nodes that use their own class as a child
 * are dropped: no finite program computes a value from itself.
 */
export interface DagTable {
  readonly ids: readonly ClassId[];
  readonly indexOf: ReadonlyMap<ClassId, number>;
  readonly nodes: ReadonlyArray<readonly DenseNode[]>;
}

export function buildDagTable<D>(egraph: EGraph<D>, nodeCost: NodeCost): DagTable {
  const ids = [...egraph.classIds()].sort((a, b) => a - b);
  const indexOf = new Map<ClassId, number>(ids.map((id, i) => [id, i]));
  const nodes = ids.map((id, self) => {
    const dense: DenseNode[] = [];
    for (const node of egraph.getClass(id).nodes) {
      const children = node.children.map((child) => indexOf.get(egraph.find(child))!);
      if (children.includes(self)) continue;
      const own = nodeCost(node);
      if (!(own >= 0) || !Number.isFinite(own)) throw new RangeError(`DAG extraction: node cost of ${node.op} is ${own}; costs must be finite and >= 0`);
      dense.push({ node, own, children });
    }
    return dense;
  });
  return { ids, indexOf, nodes };
}

/**
 * DAG cost of a choice (node index per class, -1 = none) from the roots: every class reachable
 * through chosen nodes is counted once, however many parents use it. Returns Infinity when a
 * reachable class has no choice or the choices reachable from the roots contain a cycle.
 */
export function choiceCost(table: DagTable, choice: ArrayLike<number>, roots: readonly number[]): number {
  const state = new Uint8Array(table.ids.length); // 0 unseen, 1 on the DFS path, 2 done
  let total = 0;
  const visit = (start: number): boolean => {
    // Iterative DFS (models can be deep): a frame is (class, next child position).
    const stack: Array<[number, number]> = [[start, 0]];
    if (state[start] === 2) return true;
    state[start] = 1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const [cls, pos] = frame;
      const pick = choice[cls]!;
      const node = pick < 0 ? undefined : table.nodes[cls]![pick];
      if (node === undefined) return false;
      if (pos === 0) total += node.own;
      if (pos < node.children.length) {
        frame[1] = pos + 1;
        const child = node.children[pos]!;
        if (state[child] === 1) return false;
        if (state[child] === 0) {
          state[child] = 1;
          stack.push([child, 0]);
        }
        continue;
      }
      state[cls] = 2;
      stack.pop();
    }
    return true;
  };
  for (const root of roots) if (!visit(root)) return Infinity;
  return total;
}

/** Classes reachable from the roots through the chosen nodes, in DFS preorder. */
export function reachableClasses(table: DagTable, choice: ArrayLike<number>, roots: readonly number[]): number[] {
  const seen = new Uint8Array(table.ids.length);
  const order: number[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const cls = stack.pop()!;
    if (seen[cls] === 1) continue;
    seen[cls] = 1;
    order.push(cls);
    const node = table.nodes[cls]![choice[cls]!];
    if (node !== undefined) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return order;
}
