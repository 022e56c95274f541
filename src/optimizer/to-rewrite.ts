import { canonicalAttrs, type ClassId, type ENode } from "../egraph/enode.js";
import type { EGraph } from "../egraph/egraph.js";
import { pnode, pvar, type Pattern } from "../egraph/pattern.js";
import type { Match } from "../egraph/match.js";
import { makeRewrite, type Rewrite } from "../egraph/rewrite.js";
import { sameTypes, typeToString, type IrContext, type IrData } from "./analysis.js";
import { decodeAttrs, encodeAttrs } from "./attrs-codec.js";
import { EgretError } from "../errors.js";
import type { AttrValue, Attrs } from "../ir/graph.js";
import type { Pat, PatNode, RuleAst } from "../rules/ast.js";
import type { MatchFacts, ValueFacts } from "../rules/facts.js";
import { scalarConstant } from "../rules/guards.js";
import { buildNodeAttrs, evalAttrExpr, guardsHold, matchNodeAttrs, type Bindings } from "../rules/semantics.js";
import { posToString } from "../rules/sexpr.js";

/**
 * Ops whose operands commute (`OpDef.commutative` in the registry): the matcher tries both orders
 * of a binary node, so no rule needs a mirrored twin.
 */
function commutativeOps(context: IrContext): ReadonlySet<string> {
  return new Set(context.ops.all().filter((op) => op.commutative === true).map((op) => op.name));
}

/**
 * A checked rule -> an e-graph rewrite over the IR analysis. The core matcher handles ops and
 * operands; each left-hand node binds its attribute string (`@k`), and the applier then checks
 * attribute constraints and guards, builds the right-hand side and verifies it has the matched
 * expression's type (a rule that changes a type is a bug: it throws, naming the rule).
 */
export function ruleToRewrite(rule: RuleAst, context: IrContext): Rewrite<IrData> {
  const lhsNodes: PatNode[] = [];
  const toPattern = (pat: Pat): Pattern => {
    if (pat.kind === "var") return pvar(pat.name);
    if (pat.kind === "as") return toPattern(pat.pattern);
    if (pat.kind === "const") throw new Error("internal: const on a left-hand side");
    lhsNodes.push(pat);
    const tag = `@${lhsNodes.length - 1}`;
    return pnode(pat.op, pat.children.map(toPattern), { kind: "bind", name: tag });
  };
  const lhs = toPattern(rule.lhs);
  const label = `rule "${rule.name}" (${posToString(rule.pos)})`;

  const apply = (egraph: EGraph<IrData>, match: Match): ClassId | undefined => {
    const facts = (id: ClassId): ValueFacts => {
      const data = egraph.data(id);
      return { type: data.types.length === 1 ? data.types[0] : undefined, constant: data.constant, range: data.range };
    };
    // Rules describe single values; a multi-output node (a tuple class) is never rewritten whole.
    if (egraph.data(match.classId).types.length !== 1) return undefined;
    const classes = new Map(match.subst.classes);
    const bindings: Bindings = {
      attrs: new Map<string, AttrValue | Attrs | null>(),
      classFacts: (name) => facts(classes.get(name)!),
    };
    const nodeAttrs = (index: number): Attrs => decodeAttrs(match.subst.attrs.get(`@${index}`) ?? "", context.table);
    if (!lhsNodes.every((node, index) => matchNodeAttrs(node, nodeAttrs(index), bindings))) return undefined;
    if (!bindAsVariables(rule.lhs, egraph, classes, match)) return undefined;
    const root: MatchFacts = { root: facts(match.classId) };
    if (!guardsHold(rule.guards, bindings, root)) return undefined;

    const build = (pat: Pat): ClassId | undefined => {
      switch (pat.kind) {
        case "var":
          return classes.get(pat.name);
        case "as":
          return undefined;
        case "const": {
          const value = evalAttrExpr(pat.value, bindings, root);
          const tensor = typeof value === "number" ? scalarConstant(pat.dtype, value) : undefined;
          if (tensor === undefined) return undefined;
          return egraph.add({ op: "Const", attrs: canonicalAttrs({ digest: context.table.intern(tensor) }), children: [] });
        }
        case "node": {
          const children: ClassId[] = [];
          for (const child of pat.children) {
            const id = build(child);
            if (id === undefined) return undefined;
            children.push(id);
          }
          if (pat.op === "None") return egraph.add({ op: "None", attrs: "", children: [] });
          const attrs = buildNodeAttrs(pat, bindings, root);
          if (attrs === undefined) return undefined;
          const node: ENode = { op: pat.op, attrs: encodeAttrs(attrs, context.table), children };
          try {
            return egraph.add(node);
          } catch (e) {
            // An instance the right-hand op rejects (shapes, attributes) is simply not rewritten.
            if (e instanceof EgretError && e.code !== "internal") return undefined;
            throw e;
          }
        }
      }
    };
    const result = build(rule.rhs);
    if (result === undefined) return undefined;
    const before = egraph.data(match.classId).types;
    const after = egraph.data(result).types;
    if (!sameTypes(before, after)) {
      throw new EgretError("bad-rule", label, `rewrites a value of type ${typeToString(before)} into one of type ${typeToString(after)}; add a guard such as (keeps-type ?x)`);
    }
    return result;
  };
  return makeRewrite<IrData>({ name: rule.name, lhs, rhs: apply }, { commutative: commutativeOps(context) });
}

/** Resolves `(as ?y PATTERN)` variables to the class holding the matched sub-expression. */
function bindAsVariables(pat: Pat, egraph: EGraph<IrData>, classes: Map<string, ClassId>, match: Match): boolean {
  let counter = 0;
  const visit = (p: Pat): ClassId | undefined => {
    if (p.kind === "var") return classes.get(p.name);
    if (p.kind === "const") return undefined;
    const node = p.kind === "as" ? p.pattern : p;
    const index = counter++;
    const children = node.children.map(visit);
    if (children.some((c) => c === undefined)) return undefined;
    const attrs = match.subst.attrs.get(`@${index}`) ?? "";
    const ids = children as ClassId[];
    let id = egraph.lookup({ op: node.op, attrs, children: ids });
    if (id === undefined && ids.length === 2 && node.def?.commutative === true) id = egraph.lookup({ op: node.op, attrs, children: [ids[1]!, ids[0]!] });
    if (id !== undefined && p.kind === "as") classes.set(p.name, id);
    return id;
  };
  const names = collectAs(pat);
  if (names.size === 0) return true;
  visit(pat);
  return [...names].every((name) => classes.has(name));
}

function collectAs(pat: Pat): Set<string> {
  const out = new Set<string>();
  const visit = (p: Pat): void => {
    if (p.kind === "as") {
      out.add(p.name);
      visit(p.pattern);
    } else if (p.kind === "node") p.children.forEach(visit);
  };
  visit(pat);
  return out;
}
