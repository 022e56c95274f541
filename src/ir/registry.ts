import type { OpDef, OpLookup } from "./op.js";
import { compareStrings } from "../util/compare.js";

/**
 * The op registry: every op a compile may meet, by name. It is a value built explicitly from
 * op lists (the core families of src/ir/ops/index.ts plus each target plugin's own ops, assembled
 * in src/pipeline/toolchain.ts) and passed to whatever needs op definitions: graph building, the
 * interpreter, the optimizer, the rule language, planning, emission and cost models. Nothing
 * registers itself on import, so what a compile knows never depends on import order.
 */
export class OpRegistry implements OpLookup {
  private constructor(private readonly ops: ReadonlyMap<string, OpDef>) {}

  /**
   * The registry of the given lists; an op name defined twice is an internal error. An op with
   * `bindRegistry` is replaced by its binding to this registry.
   */
  static of(...lists: readonly (readonly OpDef[])[]): OpRegistry {
    const ops = new Map<string, OpDef>();
    for (const list of lists) {
      for (const d of list) {
        if (ops.has(d.name)) throw new Error(`internal: op ${d.name} defined twice`);
        ops.set(d.name, d);
      }
    }
    const registry = new OpRegistry(ops);
    for (const d of [...ops.values()]) if (d.bindRegistry !== undefined) ops.set(d.name, d.bindRegistry(registry));
    return registry;
  }

  get(name: string): OpDef | undefined {
    return this.ops.get(name);
  }

  /** All ops, sorted by family then name (the README table order). */
  all(): OpDef[] {
    return [...this.ops.values()].sort((a, b) => compareStrings(a.family, b.family) || compareStrings(a.name, b.name));
  }
}

/** Where users find the supported-op list, quoted in unsupported-op errors. */
export const SUPPORTED_OPS_HINT = "run `egret ops` or see the op table in README.md";
