import type { AttrValue, Attrs } from "../ir/graph.js";
import type { ArgValue, MatchFacts, ValueFacts } from "./facts.js";

/**
 * The shapes of the guard and attribute-function registries, and the small readers their
 * implementations share. Each entry declares its parameter kinds, checked when a rule file is
 * loaded: "class" takes an operand variable (?x), "value" an attribute variable, a literal or a
 * nested function call such as `(invert-perm ?p)`.
 */
export type ParamKind = "class" | "value";

export interface GuardDef {
  readonly params: readonly ParamKind[];
  readonly doc: string;
  test(args: readonly ArgValue[], match: MatchFacts): boolean;
}

export interface AttrFunctionDef {
  readonly params: readonly ParamKind[];
  readonly doc: string;
  /** Undefined when it does not apply (the match is then skipped). */
  compute(args: readonly ArgValue[], match: MatchFacts): AttrValue | undefined;
}

/** Named guards and functions as lists: a target plugin contributes its own (e.g. a legality guard). */
export type GuardList = ReadonlyArray<readonly [string, GuardDef]>;
export type AttrFunctionList = ReadonlyArray<readonly [string, AttrFunctionDef]>;

/** Facts of a "class" argument (the parser guarantees the kind). */
export function facts(arg: ArgValue | undefined): ValueFacts {
  if (arg?.kind !== "class") throw new Error("internal: guard argument is not a class");
  return arg.facts;
}

/** Value of a "value" argument: null for an absent attribute, undefined when unknown. */
export function value(arg: ArgValue | undefined): AttrValue | Attrs | null | undefined {
  return arg?.kind === "value" ? arg.value : undefined;
}

/** A number or list of numbers as a list; undefined for anything else (including absent). */
export function numberList(v: AttrValue | Attrs | null | undefined): number[] | undefined {
  if (typeof v === "number") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return [...(v as number[])];
  return undefined;
}

/** A list of integers, with absent (nil) read as `fallback` (e.g. all-zero pads). */
export function intsOr(v: AttrValue | Attrs | null | undefined, fallback: () => number[] | undefined): number[] | undefined {
  if (v === null) return fallback();
  const list = numberList(v);
  return list !== undefined && list.every(Number.isInteger) ? list : undefined;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A permutation of 0..n-1 given as a list; undefined when the value is not one. */
export function permutation(v: AttrValue | Attrs | null | undefined): number[] | undefined {
  const p = numberList(v);
  if (p === undefined) return undefined;
  const seen = new Set(p);
  return seen.size === p.length && p.every((a) => Number.isInteger(a) && a >= 0 && a < p.length) ? p : undefined;
}
