import { fail } from "../errors.js";
import type { ClassId } from "./enode.js";
import type { EGraph } from "./egraph.js";
import { patternToString, patternVars, type AttrPattern, type Pattern, type PatternNode } from "./pattern.js";

/** Variable bindings of one match: class variables and attribute variables. */
export interface Subst {
  readonly classes: ReadonlyMap<string, ClassId>;
  readonly attrs: ReadonlyMap<string, string>;
}

export interface Match {
  /** The (canonical) class the pattern's root matched. */
  readonly classId: ClassId;
  readonly subst: Subst;
}

/** What the matcher needs to know about ops. */
export interface OpMetadata {
  /** Binary ops whose two children may be swapped; the matcher then tries both orders. */
  readonly commutative?: ReadonlySet<string>;
}

/** A pattern compiled once into a backtracking matcher. Search requires a clean e-graph. */
export interface CompiledPattern {
  readonly pattern: PatternNode;
  readonly classVars: readonly string[];
  readonly attrVars: readonly string[];
  /** All matches (distinct substitutions per class), stopping once `limit` have been found. */
  search<D>(egraph: EGraph<D>, limit?: number): Match[];
  /** Distinct substitutions of the pattern rooted at one class. */
  searchClass<D>(egraph: EGraph<D>, classId: ClassId, limit?: number): Subst[];
}

/** Continuation: receives a successful (partial) substitution; returns false to stop the search. */
type Emit = (subst: Subst) => boolean;
/** Matches a sub-pattern against a class; returns false iff some `emit` asked to stop. */
type Step = <D>(egraph: EGraph<D>, classId: ClassId, subst: Subst, emit: Emit) => boolean;

export const emptySubst: Subst = { classes: new Map(), attrs: new Map() };

/**
 * Compiles a pattern whose root is an op node (a bare `?x` would match every class, and only
 * classes holding the root op are scanned). Substitutions come out deduplicated per class:
 * commutative swaps and several equal nodes in one class must not inflate the match count.
 */
export function compilePattern(pattern: Pattern, metadata: OpMetadata = {}): CompiledPattern {
  if (pattern.kind !== "node") {
    fail("bad-rule", `pattern ${patternToString(pattern)}`, "a pattern must start with an op, not a variable; put the variable under an op");
  }
  const root = pattern;
  const step = compileStep(root, metadata.commutative ?? new Set());
  const { classVars, attrVars } = patternVars(root);

  const requireClean = <D>(egraph: EGraph<D>): void => {
    if (!egraph.isClean) fail("internal", `pattern ${patternToString(root)}`, "searched a dirty e-graph; call rebuild() after unions");
  };
  const searchClass = <D>(egraph: EGraph<D>, classId: ClassId, limit = Infinity): Subst[] => {
    requireClean(egraph);
    const found = new Map<string, Subst>();
    if (limit <= 0) return [];
    step(egraph, egraph.find(classId), emptySubst, (subst) => {
      found.set(substKey(subst), subst);
      return found.size < limit;
    });
    return [...found.values()];
  };

  return {
    pattern: root,
    classVars,
    attrVars,
    searchClass,
    search<D>(egraph: EGraph<D>, limit = Infinity): Match[] {
      requireClean(egraph);
      const matches: Match[] = [];
      for (const classId of egraph.classesWithOp(root.op)) {
        if (matches.length >= limit) break;
        for (const subst of searchClass(egraph, classId, limit - matches.length)) matches.push({ classId, subst });
      }
      return matches;
    },
  };
}

/** A stable string for a substitution (sorted by variable name); used for deduplication and tests. */
export function substKey(subst: Subst): string {
  const classes = [...subst.classes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, id]) => `?${name}=${id}`);
  const attrs = [...subst.attrs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, key]) => `:${name}=${JSON.stringify(key)}`);
  return [...classes, ...attrs].join(" ");
}

function compileStep(pattern: Pattern, commutative: ReadonlySet<string>): Step {
  if (pattern.kind === "var") {
    const name = pattern.name;
    return (_egraph, classId, subst, emit) => {
      const bound = subst.classes.get(name);
      if (bound === undefined) return emit({ ...subst, classes: new Map(subst.classes).set(name, classId) });
      return bound === classId ? emit(subst) : true;
    };
  }
  const { op } = pattern;
  const arity = pattern.children.length;
  const children = pattern.children.map((child) => compileStep(child, commutative));
  const matchAttrs = compileAttrs(pattern.attrs);
  // Pattern child k is matched against node child order[k].
  const orders: ReadonlyArray<readonly number[]> =
    arity === 2 && commutative.has(op) ? [[0, 1], [1, 0]] : [children.map((_, i) => i)];

  return (egraph, classId, subst, emit) => {
    for (const node of egraph.getClass(classId).nodes) {
      if (node.op !== op || node.children.length !== arity) continue;
      const withAttrs = matchAttrs(node.attrs, subst);
      if (withAttrs === undefined) continue;
      for (const order of orders) {
        const matchFrom = (k: number, partial: Subst): boolean => {
          const step = children[k];
          const target = node.children[order[k] ?? k];
          if (step === undefined || target === undefined) return emit(partial);
          return step(egraph, target, partial, (next) => matchFrom(k + 1, next));
        };
        if (!matchFrom(0, withAttrs)) return false;
      }
    }
    return true;
  };
}

/** Returns the substitution extended by the attribute constraint, or undefined if it fails. */
function compileAttrs(attrs: AttrPattern): (key: string, subst: Subst) => Subst | undefined {
  switch (attrs.kind) {
    case "any":
      return (_key, subst) => subst;
    case "exact":
      return (key, subst) => (key === attrs.key ? subst : undefined);
    case "test":
      return (key, subst) => (attrs.test(key) ? subst : undefined);
    case "bind":
      return (key, subst) => {
        const bound = subst.attrs.get(attrs.name);
        if (bound === undefined) return { ...subst, attrs: new Map(subst.attrs).set(attrs.name, key) };
        return bound === key ? subst : undefined;
      };
  }
}
