import type { OpDef } from "./op.js";
import { compareStrings } from "../util/compare.js";

/**
 * The op registry. Op family modules call `registerOps` at import time; `src/ir/ops/index.ts`
 * imports every family, so importing it populates the registry.
 */
const ops = new Map<string, OpDef>();

export function registerOps(defs: readonly OpDef[]): void {
  for (const d of defs) {
    if (ops.has(d.name)) throw new Error(`internal: op ${d.name} registered twice`);
    ops.set(d.name, d);
  }
}

export function getOp(name: string): OpDef | undefined {
  return ops.get(name);
}

/** All registered ops, sorted by family then name (the README table order). */
export function allOps(): OpDef[] {
  return [...ops.values()].sort((a, b) => compareStrings(a.family, b.family) || compareStrings(a.name, b.name));
}

/** Where users find the supported-op list, quoted in unsupported-op errors. */
export const SUPPORTED_OPS_HINT = "run `egret ops` or see the op table in README.md";
