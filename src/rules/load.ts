import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../errors.js";
import { readFileWithin } from "../io/read-file.js";
import { PACKAGE_ROOT } from "../paths.js";
import "../ir/ops/index.js";
import type { RuleAst } from "./ast.js";
import { parseRule } from "./parse-rule.js";
import { parseSExprs, posToString } from "./sexpr.js";

/** Parses rule text (`file` names it in messages); rejects duplicate names within the text. */
export function parseRules(text: string, file: string): RuleAst[] {
  const rules = parseSExprs(text, file).map(parseRule);
  checkDuplicates(rules);
  return rules;
}

export function loadRuleFile(path: string): RuleAst[] {
  return parseRules(readFileWithin(path, `rule file ${path}`).toString("utf8"), path);
}

/** Loads several files as one rule set (names must be unique across all of them). */
export function loadRuleFiles(paths: readonly string[]): RuleAst[] {
  const rules = paths.flatMap(loadRuleFile);
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

let shipped: RuleAst[] | undefined;
/** The shipped rules, parsed once per process. */
export function shippedRules(): RuleAst[] {
  shipped ??= loadRuleFiles(shippedRuleFiles());
  return shipped;
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
