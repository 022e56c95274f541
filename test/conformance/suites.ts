import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { requireOnnxTestdata, SHARED_DIR } from "../support/testdata.js";

/**
 * The conformance suites and where their cases live. Debian's libonnx-testdata (a required
 * package: absent is an error) holds four suites of opsets up to 17; `node-latest` is the newest
 * published node suite (opsets up to 23/24), kept in ../shared beside the checkout (absent on a
 * bare clone: the suite test then reports itself skipped with that reason).
 */

export const DEBIAN_SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"] as const;
export type DebianSuite = (typeof DEBIAN_SUITES)[number];
export type SuiteName = DebianSuite | "node-latest";

/** ../shared/models/onnx-node-latest (see its README for the upstream commit). */
export const NODE_LATEST_DIR = join(SHARED_DIR, "models", "onnx-node-latest");

/** The folder holding a suite's case folders, or undefined for `node-latest` without ../shared. */
export function suiteDir(suite: SuiteName): string | undefined {
  if (suite === "node-latest") return existsSync(NODE_LATEST_DIR) ? NODE_LATEST_DIR : undefined;
  const dir = join(requireOnnxTestdata(), suite);
  if (!existsSync(dir)) {
    throw new Error(
      `ONNX backend test data not found at ${dir}. It is a required Debian package: ` +
        "run `bash scripts/setup.sh` (or `apt-get install libonnx-testdata`) and run the tests again.",
    );
  }
  return dir;
}

/** Sorted case folders of a suite (folders holding a model.onnx); [] when the suite is absent. */
export function suiteCases(suite: SuiteName): string[] {
  const dir = suiteDir(suite);
  if (dir === undefined) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "model.onnx")))
    .map((d) => d.name)
    .sort();
}

/**
 * Part `index` of `count` contiguous parts of a sorted case list, for running a big suite over
 * several test files (vitest runs files in parallel forks). The parts cover the list exactly once.
 */
export function partOf<T>(cases: readonly T[], index: number, count: number): T[] {
  const size = Math.ceil(cases.length / count);
  return cases.slice(index * size, (index + 1) * size);
}

/** The env var holding a regular expression on case names: only matching cases run. */
export const FILTER_ENV = "EGRET_CONFORMANCE_FILTER";

/** The case filter of this run, or undefined; an invalid expression is an error naming the variable. */
export function caseFilter(env: NodeJS.ProcessEnv = process.env): RegExp | undefined {
  const source = env[FILTER_ENV];
  if (source === undefined || source === "") return undefined;
  try {
    return new RegExp(source);
  } catch (e) {
    throw new Error(`${FILTER_ENV}=${source} is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}
