import type { Pat, PatNode } from "./ast.js";
import { unknownAttribute } from "./op-attributes.js";
import type { SourcePos } from "./sexpr.js";

/** Attribute names in rules: each `:key` must be one its op understands (src/rules/op-attributes.ts). */

type Where = (pos: SourcePos, message: string) => never;

function visitNodes(pat: Pat, visit: (node: PatNode) => void): void {
  const node = pat.kind === "as" ? pat.pattern : pat.kind === "node" ? pat : undefined;
  if (node === undefined) return;
  visit(node);
  for (const child of node.children) visitNodes(child, visit);
}

/** For each left-hand `:* ?all` variable, the ops whose whole attribute record it binds. */
export function recordOps(lhs: Pat): Map<string, string[]> {
  const out = new Map<string, string[]>();
  visitNodes(lhs, (node) => {
    if (node.all !== undefined) out.set(node.all, [...(out.get(node.all) ?? []), node.op]);
  });
  return out;
}

/**
 * Every `:key` names an attribute of its op (src/rules/op-attributes.ts). On the right, `:key nil`
 * may also remove an attribute that a copied record (`:* ?all`) brings from the left-hand op.
 */
export function checkAttributeNames(lhs: Pat, rhs: Pat, records: ReadonlyMap<string, readonly string[]>, where: Where): void {
  visitNodes(lhs, (node) => {
    for (const c of node.attrs) {
      const unknown = unknownAttribute(node.op, c.key);
      if (unknown !== undefined) where(c.pos, unknown);
    }
  });
  visitNodes(rhs, (node) => {
    const copiedFrom = node.all === undefined ? [] : (records.get(node.all) ?? []);
    for (const c of node.attrs) {
      const unknown = unknownAttribute(node.op, c.key);
      const removesCopied = c.value.kind === "literal" && c.value.value === null && copiedFrom.some((op) => unknownAttribute(op, c.key) === undefined);
      if (unknown !== undefined && !removesCopied) where(c.pos, unknown);
    }
  });
}
