import { canonicalAttrs, parseAttrs, type AttrLike } from "../egraph/enode.js";
import type { AttrValue, Attrs } from "../ir/graph.js";
import { Tensor } from "../ir/tensor.js";
import type { TensorTable } from "./tensor-table.js";

/**
 * IR attributes <-> the e-graph's canonical attribute string. Tensors are stored by digest
 * (`{"$tensor": digest}`) and non-finite numbers as `{"$num": "Infinity"}`, since JSON has
 * neither. Keys starting with "#" are bridge bookkeeping (e.g. which outputs of a multi-output
 * node are used) and never reach an op.
 */
export const OUTPUTS_KEY = "#outputs";

export function encodeAttrs(attrs: Attrs, table: TensorTable, extra: Readonly<Record<string, AttrLike>> = {}): string {
  const record: Record<string, AttrLike> = { ...extra };
  for (const [key, value] of Object.entries(attrs)) record[key] = encodeValue(value, table);
  return canonicalAttrs(record);
}

function encodeValue(value: AttrValue, table: TensorTable): AttrLike {
  if (value instanceof Tensor) return { $tensor: table.intern(value) };
  if (typeof value === "number") return encodeNumber(value);
  if (typeof value === "string") return value;
  return (value as readonly (number | string)[]).map((v) => (typeof v === "number" ? encodeNumber(v) : v));
}

function encodeNumber(v: number): AttrLike {
  return Number.isFinite(v) ? v : { $num: String(v) };
}

/** The IR attributes of a canonical string (bookkeeping keys dropped). */
export function decodeAttrs(key: string, table: TensorTable): Attrs {
  const out: Record<string, AttrValue> = {};
  for (const [name, value] of Object.entries(parseAttrs(key))) {
    if (name.startsWith("#")) continue;
    out[name] = decodeValue(value, table);
  }
  return out;
}

/** Bookkeeping value of a canonical string (e.g. `OUTPUTS_KEY`), or undefined. */
export function attrMeta(key: string, name: string): AttrLike | undefined {
  return key === "" || !key.includes(`"${name}"`) ? undefined : parseAttrs(key)[name];
}

export function decodeValue(value: AttrLike, table: TensorTable): AttrValue {
  if (value === null || typeof value === "boolean") return Number(value);
  if (typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) {
    const items = value as readonly AttrLike[];
    if (items.every((v) => typeof v === "string")) return items as readonly string[];
    return items.map((v) => decodeNumber(v));
  }
  const record = value as { readonly [key: string]: AttrLike };
  if (typeof record["$tensor"] === "string") return table.get(record["$tensor"]);
  return decodeNumber(value);
}

function decodeNumber(value: AttrLike): number {
  if (typeof value === "number") return value;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const text = (value as { readonly [key: string]: AttrLike })["$num"];
    if (typeof text === "string") return Number(text);
  }
  throw new Error(`internal: attribute value ${JSON.stringify(value)} is not a number`);
}
