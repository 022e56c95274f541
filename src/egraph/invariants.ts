import { enodeKey } from "./enode.js";
import type { EGraph } from "./egraph.js";

/**
 * Checks the invariants a clean e-graph promises (see `EGraph`) and returns one message per
 * violation (empty when all hold). O(nodes + parents); meant for tests and debug builds.
 */
export function checkEGraphInvariants<D>(egraph: EGraph<D>): string[] {
  if (!egraph.isClean) return ["the e-graph has pending unions: call rebuild() before checking invariants"];
  const problems: string[] = [];
  const ownerByKey = new Map<string, number>();
  const parentKeys = new Map<number, Set<string>>();
  const opIndex = new Map<string, Set<number>>();

  for (const id of egraph.classIds()) {
    if (egraph.find(id) !== id) problems.push(`class ${id} is stored but is not canonical (find = ${egraph.find(id)})`);
    const eclass = egraph.getClass(id);
    parentKeys.set(id, new Set(eclass.parents.map((ref) => `${enodeKey(ref.node)}@${ref.classId}`)));
    for (const node of eclass.nodes) {
      const key = enodeKey(node);
      if (node.children.some((child) => egraph.find(child) !== child)) problems.push(`class ${id}: node ${key} has non-canonical children`);
      const owner = ownerByKey.get(key);
      if (owner !== undefined) problems.push(`congruence: node ${key} is in classes ${owner} and ${id}`);
      ownerByKey.set(key, id);
      let ids = opIndex.get(node.op);
      if (ids === undefined) opIndex.set(node.op, (ids = new Set()));
      ids.add(id);
    }
  }

  for (const id of egraph.classIds()) {
    for (const node of egraph.getClass(id).nodes) {
      for (const child of node.children) {
        if (!parentKeys.get(egraph.find(child))?.has(`${enodeKey(node)}@${id}`)) {
          problems.push(`parents: class ${egraph.find(child)} does not list parent ${enodeKey(node)} of class ${id}`);
        }
      }
    }
  }

  const entries = egraph.hashConsEntries();
  if (entries.length !== ownerByKey.size) problems.push(`hash-cons has ${entries.length} entries for ${ownerByKey.size} nodes`);
  for (const [key, id] of entries) {
    if (egraph.find(id) !== id) problems.push(`hash-cons entry ${key} points at non-canonical id ${id}`);
    if (ownerByKey.get(key) !== id) problems.push(`hash-cons entry ${key} -> ${id} but the node is in class ${ownerByKey.get(key) ?? "none"}`);
  }

  for (const [op, ids] of opIndex) {
    const indexed = new Set(egraph.classesWithOp(op));
    if (indexed.size !== ids.size || [...ids].some((id) => !indexed.has(id))) {
      problems.push(`op index for ${op} lists [${[...indexed].join(",")}], expected [${[...ids].join(",")}]`);
    }
  }
  return problems;
}
