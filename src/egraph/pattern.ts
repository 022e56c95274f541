/**
 * Pattern AST: `?x` variables bind e-classes; op nodes constrain the op, the attributes and the
 * children. Attribute constraints work on the canonical attribute string (see `canonicalAttrs`).
 */

export type AttrPattern =
  /** Any attributes (the default on a left-hand side). */
  | { readonly kind: "any" }
  /** Exactly this canonical attribute string; on a right-hand side, the attributes to build. */
  | { readonly kind: "exact"; readonly key: string }
  /** Binds the attribute string to a name (equal names must agree); a right-hand side may copy it. */
  | { readonly kind: "bind"; readonly name: string }
  /** A named predicate on the attribute string (left-hand side only); `name` appears in messages. */
  | { readonly kind: "test"; readonly name: string; readonly test: (attrs: string) => boolean };

export interface PatternVar {
  readonly kind: "var";
  /** Without the leading `?`. */
  readonly name: string;
}

export interface PatternNode {
  readonly kind: "node";
  readonly op: string;
  readonly attrs: AttrPattern;
  readonly children: readonly Pattern[];
}

export type Pattern = PatternVar | PatternNode;

export const anyAttrs: AttrPattern = { kind: "any" };

/** `?name` as a pattern (a leading `?` is accepted and dropped). */
export function pvar(name: string): PatternVar {
  return { kind: "var", name: name.startsWith("?") ? name.slice(1) : name };
}

/** An op-node pattern; a string `attrs` means an exact canonical attribute string. */
export function pnode(op: string, children: readonly Pattern[] = [], attrs: AttrPattern | string = anyAttrs): PatternNode {
  return { kind: "node", op, attrs: typeof attrs === "string" ? { kind: "exact", key: attrs } : attrs, children };
}

/** Names of class variables and attribute variables, in first-occurrence order. */
export function patternVars(pattern: Pattern): { classVars: string[]; attrVars: string[] } {
  const classVars = new Set<string>();
  const attrVars = new Set<string>();
  const visit = (p: Pattern): void => {
    if (p.kind === "var") {
      classVars.add(p.name);
      return;
    }
    if (p.attrs.kind === "bind") attrVars.add(p.attrs.name);
    p.children.forEach(visit);
  };
  visit(pattern);
  return { classVars: [...classVars], attrVars: [...attrVars] };
}

/** S-expression rendering, e.g. `(Add ?x (Mul ?y ?z))`, for messages and reports. */
export function patternToString(pattern: Pattern): string {
  if (pattern.kind === "var") return `?${pattern.name}`;
  const attrs = describeAttrs(pattern.attrs);
  const head = attrs === "" ? pattern.op : `${pattern.op} ${attrs}`;
  if (pattern.children.length === 0) return attrs === "" ? pattern.op : `(${head})`;
  return `(${head} ${pattern.children.map(patternToString).join(" ")})`;
}

function describeAttrs(attrs: AttrPattern): string {
  switch (attrs.kind) {
    case "any":
      return "";
    case "exact":
      return attrs.key;
    case "bind":
      return `:?${attrs.name}`;
    case "test":
      return `:${attrs.name}`;
  }
}
