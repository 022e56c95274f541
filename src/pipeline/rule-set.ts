import { requireSoundRules } from "../rules/check.js";
import type { RuleAst } from "../rules/ast.js";
import { loadRuleFiles, shippedRules } from "../rules/load.js";
import type { Target } from "./target.js";
import type { Toolchain } from "./toolchain.js";

/**
 * The one place the optimizer's rule set is assembled: the shipped rules (rules/*.rules), then the
 * target's own files (unless `targetRules` is false; its float-kernel files only for the "final"
 * program, not for the "float" extraction quantization calibrates), then the user's.
 */
export function ruleSet(toolchain: Toolchain, target: Target, options: { readonly targetRules?: boolean; readonly userRules?: readonly RuleAst[] }, stage: "float" | "final"): RuleAst[] {
  const files = [...(target.ruleFiles ?? []), ...(stage === "final" ? (target.floatRuleFiles ?? []) : [])];
  const own = options.targetRules === false ? [] : loadRuleFiles(files, toolchain.vocabulary);
  return [...shippedRules(toolchain.vocabulary), ...own, ...(options.userRules ?? [])];
}

/**
 * Parses user rule files (`--rules`) against the toolchain's vocabulary, and unless `check` is
 * false runs the soundness checker on them first: a wrong rule fails before any model is read.
 */
export function loadUserRules(toolchain: Toolchain, paths: readonly string[], check = true): RuleAst[] {
  const rules = loadRuleFiles(paths, toolchain.vocabulary);
  if (check) requireSoundRules(rules);
  return rules;
}
