import { fail } from "../errors.js";
import type { OptimizerLimits } from "../egraph/ir/optimize.js";

/** `--limit` names: the optimizer's work limits, and `seconds` for its wall-clock safety net. */
const WORK_LIMITS: Readonly<Record<string, keyof OptimizerLimits>> = {
  iterations: "iterations",
  enodes: "nodes",
  applications: "applications",
  "extraction-steps": "extractionSteps",
};
export const LIMIT_NAMES: readonly string[] = [...Object.keys(WORK_LIMITS), "seconds"];

export interface LimitOptions {
  readonly limits: Partial<OptimizerLimits>;
  /** The safety net in seconds (0: off), when given. */
  readonly safetyNetSeconds?: number;
}

/**
 * Parses repeated `--limit NAME=N`: work limits are whole numbers >= 0 (they stop a search, the
 * result stays deterministic); `seconds=S` sets the wall-clock safety net (0 turns it off).
 */
export function parseLimitOptions(specs: readonly string[]): LimitOptions {
  const limits: Partial<Record<keyof OptimizerLimits, number>> = {};
  let safetyNetSeconds: number | undefined;
  const seen = new Set<string>();
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = spec.slice(0, eq).trim();
    const text = spec.slice(eq + 1).trim();
    if (eq <= 0 || !LIMIT_NAMES.includes(name)) fail("bad-option", "option --limit", `"${spec}" is not NAME=N with NAME one of ${LIMIT_NAMES.join(", ")}`);
    if (seen.has(name)) fail("bad-option", "option --limit", `"${name}" is given twice`);
    seen.add(name);
    const value = Number(text);
    const key = WORK_LIMITS[name];
    if (key === undefined) {
      if (text === "" || !(Number.isFinite(value) && value >= 0)) fail("bad-option", "option --limit seconds", `"${text}" is not a number of seconds >= 0 (0 turns the safety net off)`);
      safetyNetSeconds = value;
    } else {
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) fail("bad-option", `option --limit ${name}`, `"${text}" is not a whole number >= 0`);
      limits[key] = value;
    }
  }
  return { limits, ...(safetyNetSeconds === undefined ? {} : { safetyNetSeconds }) };
}
