import type { OpDef } from "../ir/op.js";
import type { AttrFunctionDef, GuardDef } from "./arg-access.js";
import type { SourcePos } from "./sexpr.js";

/**
 * Rule AST. Variables live in two namespaces, fixed by where they first appear: class variables
 * (`?x` as an operand) bind e-classes, attribute variables (`:key ?v`, `:* ?all`) bind attribute
 * values or whole attribute records. A name may not be used in both. Ops, guards and functions
 * are resolved when a rule is parsed (against a RuleVocabulary, rules/vocabulary.ts): the AST holds
 * their definitions, so a parsed rule means the same thing wherever it is used.
 */

/** An attribute literal: a number, a string, a list, or `nil` (the attribute is absent). */
export type Literal = number | string | readonly (number | string)[] | null;

export type AttrExpr =
  | { readonly kind: "literal"; readonly value: Literal }
  | { readonly kind: "var"; readonly name: string }
  /** A right-hand attribute computed by a registered function, e.g. `(compose-perm ?p ?q)`. */
  | { readonly kind: "call"; readonly fn: string; readonly def: AttrFunctionDef; readonly args: readonly Arg[]; readonly pos: SourcePos };

/** Argument of a guard or attribute function; a "value" parameter may take a nested call. */
export type Arg =
  | { readonly kind: "class"; readonly name: string }
  | { readonly kind: "attr"; readonly name: string }
  | { readonly kind: "literal"; readonly value: Literal }
  /** `(add-ints (spatial-pads ?pads ?axes ?x) ?convPads)`: the inner function's value. */
  | { readonly kind: "call"; readonly fn: string; readonly def: AttrFunctionDef; readonly args: readonly Arg[]; readonly pos: SourcePos };

export interface AttrConstraint {
  readonly key: string;
  readonly value: AttrExpr;
  readonly pos: SourcePos;
}

export interface PatNode {
  readonly kind: "node";
  readonly op: string;
  /** The op's definition; undefined for `None` (an absent optional input). */
  readonly def: OpDef | undefined;
  readonly children: readonly Pat[];
  readonly attrs: readonly AttrConstraint[];
  /** `:* ?all`: on the left binds the whole record; on the right, the record to start from. */
  readonly all: string | undefined;
  readonly pos: SourcePos;
}

export type Pat =
  | { readonly kind: "var"; readonly name: string; readonly pos: SourcePos }
  | PatNode
  /** Left only: `(as ?y PATTERN)` matches PATTERN and binds its class to ?y. */
  | { readonly kind: "as"; readonly name: string; readonly pattern: PatNode; readonly pos: SourcePos }
  /** Right only: `(const DTYPE VALUE)`, a scalar constant leaf. */
  | { readonly kind: "const"; readonly dtype: string; readonly value: AttrExpr; readonly pos: SourcePos };

export interface GuardCall {
  readonly name: string;
  readonly def: GuardDef;
  readonly args: readonly Arg[];
  readonly pos: SourcePos;
}

/** `:check` clause: shapes (numbers or symbolic dims) and attribute values for the soundness checker. */
export interface CheckSpec {
  readonly shapes: ReadonlyMap<string, readonly (number | string)[]>;
  readonly attrs: ReadonlyMap<string, Literal | Readonly<Record<string, Literal>>>;
}

export interface RuleAst {
  readonly name: string;
  readonly pos: SourcePos;
  readonly lhs: PatNode;
  readonly rhs: Pat;
  readonly guards: readonly GuardCall[];
  readonly check: CheckSpec;
  readonly classVars: ReadonlySet<string>;
  readonly attrVars: ReadonlySet<string>;
  /** Source text of the rule's two sides, for reports. */
  readonly description: string;
}

/**
 * Leaf and glue ops of the IR e-graph (not registry ops; rules may use `None` only, the optimizer
 * encodes graphs with all four):
 * - `Input {"name"}`: a graph input; `Const {"digest"}`: a constant from the tensor table;
 * - `None`: an absent optional input; `Proj {"index"}`: output `index` of a multi-output node,
 *   whose own class is a tuple (its attributes carry `#outputs`, the mask of used outputs).
 */
export const LEAF_OPS = new Set(["Input", "Const", "None", "Proj"]);
