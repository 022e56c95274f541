import { fail } from "../errors.js";
import { nodeLabel, type AttrValue, type Node } from "./graph.js";
import { Tensor } from "./tensor.js";

/**
 * Typed attribute readers. Each validates the attribute's kind and names the node and attribute
 * in its error, so op modules never index `node.attrs` directly.
 */
function bad(node: Node, attr: string, want: string, got: AttrValue | undefined): never {
  const shown = got instanceof Tensor ? "a tensor" : JSON.stringify(got);
  return fail("bad-attribute", nodeLabel(node), `attribute "${attr}" must be ${want}, got ${shown}`);
}

export function attrInt(node: Node, attr: string, dflt?: number): number {
  const v = node.attrs[attr];
  if (v === undefined) {
    if (dflt === undefined) fail("bad-attribute", nodeLabel(node), `required attribute "${attr}" is missing`);
    return dflt;
  }
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.length === 1 && Number.isInteger(v[0])) return v[0] as number;
  return bad(node, attr, "an integer", v);
}

export function attrFloat(node: Node, attr: string, dflt?: number): number {
  const v = node.attrs[attr];
  if (v === undefined) {
    if (dflt === undefined) fail("bad-attribute", nodeLabel(node), `required attribute "${attr}" is missing`);
    return dflt;
  }
  if (typeof v === "number") return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "number") return v[0] as number;
  return bad(node, attr, "a number", v);
}

export function attrInts(node: Node, attr: string, dflt?: readonly number[]): number[] {
  const v = node.attrs[attr];
  if (v === undefined) {
    if (dflt === undefined) fail("bad-attribute", nodeLabel(node), `required attribute "${attr}" is missing`);
    return [...dflt];
  }
  if (typeof v === "number" && Number.isInteger(v)) return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x))) return [...(v as number[])];
  return bad(node, attr, "a list of integers", v);
}

export function attrFloats(node: Node, attr: string, dflt?: readonly number[]): number[] {
  const v = node.attrs[attr];
  if (v === undefined) {
    if (dflt === undefined) fail("bad-attribute", nodeLabel(node), `required attribute "${attr}" is missing`);
    return [...dflt];
  }
  if (typeof v === "number") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return [...(v as number[])];
  return bad(node, attr, "a list of numbers", v);
}

export function attrString(node: Node, attr: string, dflt?: string): string {
  const v = node.attrs[attr];
  if (v === undefined) {
    if (dflt === undefined) fail("bad-attribute", nodeLabel(node), `required attribute "${attr}" is missing`);
    return dflt;
  }
  if (typeof v === "string") return v;
  return bad(node, attr, "a string", v);
}

export function attrStrings(node: Node, attr: string, dflt?: readonly string[]): string[] {
  const v = node.attrs[attr];
  if (v === undefined) {
    if (dflt === undefined) fail("bad-attribute", nodeLabel(node), `required attribute "${attr}" is missing`);
    return [...dflt];
  }
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return [...(v as string[])];
  return bad(node, attr, "a list of strings", v);
}

export function attrTensor(node: Node, attr: string): Tensor {
  const v = node.attrs[attr];
  if (v instanceof Tensor) return v;
  return bad(node, attr, "a tensor", v);
}

export function hasAttr(node: Node, attr: string): boolean {
  return node.attrs[attr] !== undefined;
}

/** Rejects a value outside `allowed`, naming the node and attribute. */
export function checkOneOf<T extends string | number>(node: Node, attr: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    fail("bad-attribute", nodeLabel(node), `attribute "${attr}" = ${JSON.stringify(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value;
}

/** Returns a copy of the node with attributes replaced/added (undefined deletes). */
export function withAttrs(node: Node, changes: Record<string, AttrValue | undefined>): Node {
  const attrs: Record<string, AttrValue> = { ...node.attrs };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete attrs[k];
    else attrs[k] = v;
  }
  return { ...node, attrs };
}
