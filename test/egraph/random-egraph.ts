/**
 * Random e-graph scripts for property tests, plus a naive reference: the closure of the explicit
 * unions under congruence, computed by brute force over all added nodes.
 */
import fc from "fast-check";
import { EGraph, type Analysis, type ClassId, type ENode } from "../../src/egraph/index.js";

export const RANDOM_OPS: ReadonlyArray<{ op: string; arity: number }> = [
  { op: "a", arity: 0 },
  { op: "b", arity: 0 },
  { op: "g", arity: 1 },
  { op: "f", arity: 2 },
];
export const RANDOM_ATTRS = ["", '{"k":1}'];

export type Command =
  | { readonly kind: "add"; readonly op: number; readonly attrs: number; readonly children: readonly number[] }
  | { readonly kind: "union"; readonly a: number; readonly b: number }
  | { readonly kind: "rebuild" };

export interface ScriptOptions {
  readonly maxCommands: number;
  /** Allow unions at all (extraction tests on acyclic graphs may disable them). */
  readonly unions: boolean;
}

export function scriptArb(options: ScriptOptions): fc.Arbitrary<Command[]> {
  const add = fc.record({
    kind: fc.constant("add" as const),
    op: fc.nat({ max: RANDOM_OPS.length - 1 }),
    attrs: fc.nat({ max: RANDOM_ATTRS.length - 1 }),
    children: fc.array(fc.nat({ max: 1000 }), { minLength: 2, maxLength: 2 }),
  });
  const union = fc.record({ kind: fc.constant("union" as const), a: fc.nat({ max: 1000 }), b: fc.nat({ max: 1000 }) });
  const rebuild = fc.record({ kind: fc.constant("rebuild" as const) });
  const command = options.unions
    ? fc.oneof({ arbitrary: add, weight: 5 }, { arbitrary: union, weight: 2 }, { arbitrary: rebuild, weight: 1 })
    : add;
  return fc.array(command, { minLength: 1, maxLength: options.maxCommands });
}

export interface ScriptResult<D> {
  readonly egraph: EGraph<D>;
  /** Every id returned by `add`, in order. */
  readonly ids: readonly ClassId[];
  /** Every added node as given (children are ids returned earlier) and the id `add` returned. */
  readonly added: ReadonlyArray<{ node: ENode; id: ClassId }>;
  readonly unions: ReadonlyArray<readonly [ClassId, ClassId]>;
}

/** Runs a script and finishes with a rebuild. Children/union operands index earlier ids modulo their count. */
export function runScript<D>(commands: readonly Command[], analysis: Analysis<D>): ScriptResult<D> {
  const egraph = new EGraph(analysis);
  const ids: ClassId[] = [];
  const added: Array<{ node: ENode; id: ClassId }> = [];
  const unions: Array<readonly [ClassId, ClassId]> = [];
  const pick = (n: number): ClassId => ids[n % ids.length] ?? 0;
  for (const command of commands) {
    if (command.kind === "add") {
      const spec = RANDOM_OPS[command.op] ?? { op: "a", arity: 0 };
      const arity = ids.length === 0 ? 0 : spec.arity;
      const op = ids.length === 0 ? "a" : spec.op;
      const node: ENode = { op, attrs: RANDOM_ATTRS[command.attrs] ?? "", children: command.children.slice(0, arity).map(pick) };
      const id = egraph.add(node);
      ids.push(id);
      added.push({ node, id });
    } else if (command.kind === "union" && ids.length > 0) {
      const pair = [pick(command.a), pick(command.b)] as const;
      egraph.union(pair[0], pair[1]);
      unions.push(pair);
    } else if (command.kind === "rebuild") {
      egraph.rebuild();
    }
  }
  egraph.rebuild();
  return { egraph, ids, added, unions };
}

/** Naive congruence closure: a partition of all ids, closed under the unions and congruence. */
export function referencePartition<D>(result: ScriptResult<D>): (a: ClassId, b: ClassId) => boolean {
  const parent = new Map<ClassId, ClassId>();
  const root = (id: ClassId): ClassId => {
    let current = id;
    while (parent.has(current)) current = parent.get(current) ?? current;
    return current;
  };
  const merge = (a: ClassId, b: ClassId): boolean => {
    const [ra, rb] = [root(a), root(b)];
    if (ra === rb) return false;
    parent.set(ra, rb);
    return true;
  };
  for (const [a, b] of result.unions) merge(a, b);
  for (let changed = true; changed; ) {
    changed = false;
    for (const x of result.added) {
      for (const y of result.added) {
        const congruent =
          x.node.op === y.node.op &&
          x.node.attrs === y.node.attrs &&
          x.node.children.length === y.node.children.length &&
          x.node.children.every((child, i) => root(child) === root(y.node.children[i] ?? -1));
        if (congruent && merge(x.id, y.id)) changed = true;
      }
    }
  }
  return (a, b) => root(a) === root(b);
}
