import { fail } from "../errors.js";
import type { Target, TargetOption, TargetOptionValues } from "./target.js";
import type { Toolchain } from "./toolchain.js";

/** Keys of `TargetOptionValues` that are not plugin options: the calibration data's normalisation. */
const DATA_KEYS: ReadonlySet<string> = new Set(["mean", "std"]);

/** The flag a user typed for an option: "--no-kmodel" for a negated flag, else "--input-type". */
function flagName(option: TargetOption): string {
  return option.flags.split(/[ ,]/)[0]!;
}

/**
 * Refuses a plugin option given (a value other than its default) to a target whose plugin does not
 * declare it, naming the targets that take it: an option never silently does nothing.
 */
export function checkTargetOptions(toolchain: Toolchain, target: Target, values: TargetOptionValues): void {
  const own = new Set((toolchain.pluginOf(target).options ?? []).map((o) => o.key));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || DATA_KEYS.has(key) || own.has(key)) continue;
    const owner = toolchain.plugins.find((p) => (p.options ?? []).some((o) => o.key === key));
    const option = owner?.options?.find((o) => o.key === key);
    if (owner === undefined || option === undefined) fail("internal", `target option "${key}"`, "no plugin declares it");
    if (value === option.default) continue;
    fail("bad-option", `option ${flagName(option)}`, `an option of target ${owner.targets.map((t) => t.name).join(", ")}; target ${target.name} does not take it`);
  }
}
