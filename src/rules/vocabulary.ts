import type { OpRegistry } from "../ir/registry.js";
import type { AttrFunctionDef, AttrFunctionList, GuardDef, GuardList } from "./arg-access.js";
import { CORE_ATTR_FUNCTIONS, CORE_GUARDS } from "./guards.js";

/**
 * What rule files may name: the ops of a compile (core plus its targets'), and the guards and
 * attribute functions (core plus the targets' own, e.g. an accelerator's legality guard). Built explicitly
 * from lists in one place (src/pipeline/toolchain.ts); rules are parsed against it and keep the
 * definitions they use, so nothing is looked up by name afterwards.
 */
export interface RuleVocabulary {
  readonly ops: OpRegistry;
  readonly guards: ReadonlyMap<string, GuardDef>;
  readonly functions: ReadonlyMap<string, AttrFunctionDef>;
}

/** The core guards and functions plus `guardLists`/`functionLists`; a name defined twice is an internal error. */
export function ruleVocabulary(ops: OpRegistry, guardLists: readonly GuardList[] = [], functionLists: readonly AttrFunctionList[] = []): RuleVocabulary {
  return { ops, guards: uniqueMap("rule guard", [CORE_GUARDS, ...guardLists]), functions: uniqueMap("attribute function", [CORE_ATTR_FUNCTIONS, ...functionLists]) };
}

function uniqueMap<T>(what: string, lists: readonly (ReadonlyArray<readonly [string, T]>)[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const list of lists) {
    for (const [name, def] of list) {
      if (map.has(name)) throw new Error(`internal: ${what} "${name}" defined twice`);
      map.set(name, def);
    }
  }
  return map;
}
