import { fail } from "../errors.js";
import { readFileWithin } from "../io/read-file.js";

/** Measured instructions per node from `egret bench MODEL --target T --per-op --json`. */
export interface Profile {
  readonly file: string;
  /** The kernel set the figures come from ("optimised" when the bench measured it, else "generic"). */
  readonly kernels: string;
  readonly target: string;
  readonly instructions: ReadonlyMap<string, number>;
}

/**
 * Reads a bench --per-op --json file. The bench measures each kernel set it builds; the report
 * shows the last one with a per-op table (the optimised kernels when the target has them, which
 * is what `compile` emits). Errors name the file and what it lacks.
 */
export function readProfile(path: string): Profile {
  const subject = `profile ${path}`;
  let json: unknown;
  try {
    json = JSON.parse(readFileWithin(path, subject).toString("utf8"));
  } catch (e) {
    if (e instanceof SyntaxError) fail("parse", subject, `is not JSON (${e.message}); write it with \`egret bench MODEL --target T --per-op --json > ${path}\``);
    throw e;
  }
  const root = json as { target?: unknown; results?: unknown };
  const results = Array.isArray(root.results) ? (root.results as { kernels?: unknown; perOp?: unknown }[]) : [];
  const withOps = results.filter((r) => Array.isArray(r.perOp));
  const chosen = withOps[withOps.length - 1];
  if (chosen === undefined) fail("parse", subject, "has no per-op results; write it with `egret bench MODEL --target T --per-op --json`");
  const instructions = new Map<string, number>();
  for (const row of chosen.perOp as { node?: unknown; measured?: unknown }[]) {
    if (typeof row.node !== "string" || typeof row.measured !== "number") fail("parse", subject, "has a per-op row without a node name and a measured instruction count");
    instructions.set(row.node, (instructions.get(row.node) ?? 0) + row.measured);
  }
  return { file: path, kernels: typeof chosen.kernels === "string" ? chosen.kernels : "unknown", target: typeof root.target === "string" ? root.target : "unknown", instructions };
}
