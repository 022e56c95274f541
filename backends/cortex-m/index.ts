/**
 * Registers the Cortex-M targets (`--target cortex-m4 | cortex-m7 | cortex-m0plus`). The model
 * and kernels are the host's; the target adds the cross build and the QEMU harness. Armv7E-M
 * targets add the DSP lowering rules (rules/targets/cortex-m.rules) when that file is present.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { registerBackend } from "../index.js";
import { cortexMFiles } from "./files.js";
import { CORTEX_M_VARIANTS } from "./variants.js";

/** The DSP lowering rules, written alongside the optimised kernels; absent until they exist. */
export const CORTEX_M_RULES = "cortex-m.rules";

const hasDspRules = existsSync(join(PACKAGE_ROOT, "rules", "targets", CORTEX_M_RULES));

for (const variant of CORTEX_M_VARIANTS) {
  registerBackend({
    name: variant.name,
    description: variant.description,
    costModel: variant.costModel,
    ...(variant.dsp && hasDspRules ? { ruleFiles: [CORTEX_M_RULES] } : {}),
    files: (model) => cortexMFiles(variant, model),
  });
}
