/** A toy arithmetic language for tests: num leaves, symbol leaves, binary + and *, with constant folding. */
import { EGraph, parseAttrs, type Analysis, type ENode, type MergeResult } from "../../src/egraph/index.js";
import { numAttrs } from "./sexpr.js";

/** The folded value of a class, or null when it is not a known constant. */
export type Constant = number | null;

export const constantFolding: Analysis<Constant> = {
  make(egraph: EGraph<Constant>, node: ENode): Constant {
    if (node.op === "num") {
      const value = parseAttrs(node.attrs)["value"];
      return typeof value === "number" ? value : null;
    }
    const [a, b] = node.children.map((child) => egraph.data(child));
    if (a === undefined || b === undefined || a === null || b === null || node.children.length !== 2) return null;
    if (node.op === "+") return a + b;
    if (node.op === "*") return a * b;
    return null;
  },
  merge(a: Constant, b: Constant): MergeResult<Constant> {
    if (a === null) return { data: b, aChanged: b !== null, bChanged: false };
    if (b === null) return { data: a, aChanged: false, bChanged: true };
    if (a !== b) throw new Error(`unsound union: constants ${a} and ${b}`);
    return { data: a, aChanged: false, bChanged: false };
  },
  // A constant class also gets the literal, so extraction can pick it.
  modify(egraph: EGraph<Constant>, classId: number): void {
    const value = egraph.data(classId);
    if (value !== null) egraph.union(classId, egraph.add({ op: "num", attrs: numAttrs(value), children: [] }));
  },
};
