import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../errors.js";
import { readFileWithin } from "../io/read-file.js";
import { PACKAGE_ROOT } from "../paths.js";
import type { RuleAst } from "./ast.js";
import { parseRule } from "./parse-rule.js";
import { parseSExprs, posToString } from "./sexpr.js";
import type { RuleVocabulary } from "./vocabulary.js";

/** Parses rule text (`file` names it in messages); rejects duplicate names within the text. */
export function parseRules(text: string, file: string, vocabulary: RuleVocabulary): RuleAst[] {
  const rules = parseSExprs(text, file).map((expr) => parseRule(expr, vocabulary));
  checkDuplicates(rules);
  return rules;
}

export function loadRuleFile(path: string, vocabulary: RuleVocabulary): RuleAst[] {
  return parseRules(readFileWithin(path, `rule file ${path}`).toString("utf8"), path, vocabulary);
}

/** Loads several files as one rule set (names must be unique across all of them). */
export function loadRuleFiles(paths: readonly string[], vocabulary: RuleVocabulary): RuleAst[] {
  const rules = paths.flatMap((path) => loadRuleFile(path, vocabulary));
  checkDuplicates(rules);
  return rules;
}

/** The rule files shipped in rules/ (fold, fusion, layout), sorted by name. */
export function shippedRuleFiles(): string[] {
  const dir = join(PACKAGE_ROOT, "rules");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".rules"))
    .sort()
    .map((f) => join(dir, f));
}

const shipped = new WeakMap<RuleVocabulary, readonly RuleAst[]>();
/** The shipped rules, parsed once per vocabulary (a process usually has one). */
export function shippedRules(vocabulary: RuleVocabulary): readonly RuleAst[] {
  let rules = shipped.get(vocabulary);
  if (rules === undefined) shipped.set(vocabulary, (rules = loadRuleFiles(shippedRuleFiles(), vocabulary)));
  return rules;
}

function checkDuplicates(rules: readonly RuleAst[]): void {
  const seen = new Map<string, RuleAst>();
  for (const rule of rules) {
    const first = seen.get(rule.name);
    if (first !== undefined && first !== rule) {
      fail("bad-rule", posToString(rule.pos), `rule "${rule.name}" is defined twice (first at ${posToString(first.pos)}); rename one`);
    }
    seen.set(rule.name, rule);
  }
}
