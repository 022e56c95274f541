import type { Command } from "commander";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import { checkRules, DEFAULT_CHECK_SEED, describeFailure } from "../rules/check.js";
import { loadRuleFiles } from "../rules/load.js";
import { opListing, opTableMarkdown } from "./op-table.js";

/** `egret rules check` and `egret ops`. */
export function registerRulesAndOpsCommands(program: Command): void {
  program
    .command("rules")
    .description("work with rewrite rule files")
    .command("check")
    .description("check rules for soundness on random instances (prints a minimal counterexample for a wrong rule)")
    .argument("<files...>", "rule files (.rules)")
    .option("--runs <n>", "random instances per rule", "100")
    .option("--seed <n>", "seed of the random instances (the same seed gives the same instances; printed with every counterexample)", String(DEFAULT_CHECK_SEED))
    .action((files: string[], opts: { runs: string; seed: string }) => {
      const runs = Number(opts.runs);
      if (!Number.isInteger(runs) || runs < 1) fail("bad-option", "option --runs", `"${opts.runs}" is not a positive whole number`);
      const seed = Number(opts.seed);
      if (!/^\d+$/.test(opts.seed) || seed > 0x7fffffff) fail("bad-option", "option --seed", `"${opts.seed}" is not a whole number from 0 to ${0x7fffffff}`);
      const results = checkRules(loadRuleFiles(files, egret.toolchain.vocabulary), { runs, seed });
      for (const r of results) console.log(r.ok ? `ok    ${r.rule} (${r.instances} instances)` : `WRONG ${describeFailure(r)}`);
      const wrong = results.filter((r) => !r.ok).length;
      console.log(`${results.length - wrong} of ${results.length} rules passed (seed ${seed}, ${runs} runs per rule)`);
      if (wrong > 0) process.exitCode = 1;
    });

  program
    .command("ops")
    .description("list the supported operators, their element types and the opsets and forms they accept")
    .option("--json", "print machine-readable JSON")
    .option("--markdown", "print the README's op table")
    .action((opts: { json?: boolean; markdown?: boolean }) => {
      const ops = opListing(egret.toolchain);
      if (opts.markdown) console.log(opTableMarkdown(egret.toolchain));
      else if (opts.json) console.log(JSON.stringify(ops, null, 2));
      else for (const o of ops) console.log(`${o.family.padEnd(12)} ${o.op.padEnd(26)} ${o.types} | ${o.forms}`);
    });
}
