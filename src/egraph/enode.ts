/**
 * E-nodes and terms. An e-node is an operator applied to e-classes; its attributes are part of its
 * identity (two Conv nodes with different strides are different nodes), so they are carried as one
 * canonical string (`canonicalAttrs`) that compares and hashes cheaply.
 */

/** An e-class id. Only the union-find root of a class is "canonical"; other ids alias it. */
export type ClassId = number;

export interface ENode {
  readonly op: string;
  /** Canonical serialisation of the attributes ("" when the op has none). */
  readonly attrs: string;
  readonly children: readonly ClassId[];
}

/** A plain expression tree: what extraction returns and what `EGraph.addTerm` accepts. */
export interface Term {
  readonly op: string;
  readonly attrs: string;
  readonly children: readonly Term[];
}

/** JSON-like attribute values accepted by `canonicalAttrs`. */
export type AttrLike = string | number | boolean | null | readonly AttrLike[] | { readonly [key: string]: AttrLike };

/**
 * Key used by the hash-cons. Length prefixes make it unambiguous whatever characters the op or
 * attributes contain; children are numbers, so a comma list is unambiguous too.
 */
export function enodeKey(node: ENode): string {
  return `${node.op.length}:${node.op}${node.attrs.length}:${node.attrs}(${node.children.join(",")})`;
}

export function makeENode(op: string, children: readonly ClassId[] = [], attrs = ""): ENode {
  return { op, attrs, children };
}

export function makeTerm(op: string, children: readonly Term[] = [], attrs = ""): Term {
  return { op, attrs, children };
}

/**
 * Canonical attribute string: JSON with object keys sorted at every level, so attribute records
 * that are equal as values give equal strings whatever order they were built in. An empty record
 * gives "" so attribute-free ops print and hash compactly.
 */
export function canonicalAttrs(attrs: { readonly [key: string]: AttrLike }): string {
  return Object.keys(attrs).length === 0 ? "" : JSON.stringify(sortKeys(attrs));
}

/** Inverse of `canonicalAttrs` ("" gives an empty record). */
export function parseAttrs(key: string): { readonly [key: string]: AttrLike } {
  return key === "" ? {} : (JSON.parse(key) as { readonly [key: string]: AttrLike });
}

function sortKeys(value: AttrLike): AttrLike {
  if (value === null || typeof value !== "object") return value;
  if (isAttrList(value)) return value.map(sortKeys);
  const sorted: { [key: string]: AttrLike } = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key] ?? null);
  return sorted;
}

function isAttrList(value: AttrLike): value is readonly AttrLike[] {
  return Array.isArray(value);
}

/** S-expression rendering, e.g. `(Add x {"axis":1} (Mul y z))`; for messages and tests. */
export function termToString(term: Term): string {
  const head = term.attrs === "" ? term.op : `${term.op} ${term.attrs}`;
  if (term.children.length === 0) return term.attrs === "" ? term.op : `(${head})`;
  return `(${head} ${term.children.map(termToString).join(" ")})`;
}
