import { readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import "../backends/all.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import { checkRule, DEFAULT_CHECK_RUNS, describeFailure } from "../src/rules/check.js";
import { loadRuleFiles, shippedRuleFiles } from "../src/rules/load.js";

/**
 * `npm run bench:rules [-- FIRST COUNT RUNS]`: the soundness checker over many seeds of every
 * shipped rule (rules/*.rules and rules/targets/*.rules), default seeds 1..200 with 100 instances
 * each, to show that a correct rule never fails at random (the checker's tolerance follows the
 * computation's conditioning; its values stay inside each operand's domain). Prints every failure
 * with the seed that replays it, and exits 1 if there was one.
 */
const [first = 1, count = 200, runs = DEFAULT_CHECK_RUNS] = process.argv.slice(2).map(Number);
const targets = join(PACKAGE_ROOT, "rules", "targets");
const files = [...shippedRuleFiles(), ...readdirSync(targets).filter((f) => f.endsWith(".rules")).sort().map((f) => join(targets, f))];
const rules = loadRuleFiles(files);

const started = performance.now();
let instances = 0;
let checks = 0;
const failures: string[] = [];
for (let seed = first; seed < first + count; seed++) {
  for (const rule of rules) {
    const r = checkRule(rule, { seed, runs });
    checks++;
    instances += r.instances;
    if (!r.ok) {
      failures.push(describeFailure(r));
      console.log(`WRONG ${describeFailure(r)}`);
    }
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`${rules.length} rules x ${count} seeds (${first}..${first + count - 1}), ${runs} runs each: ${checks} checks, ${instances} instances, ${failures.length} failed, ${seconds.toFixed(1)} s`);
if (failures.length > 0) process.exitCode = 1;
