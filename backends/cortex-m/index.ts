/**
 * Registers the Cortex-M targets (`--target cortex-m4 | cortex-m7 | cortex-m0plus`). The model
 * and kernels are the host's; the target adds the cross build and the QEMU harness. Every variant
 * takes the blocked float kernels (rules/targets/float-kernels.rules), Armv7E-M targets add the
 * DSP lowering rules (rules/targets/cortex-m.rules), and every variant reports
 * flash and RAM from a cross build for `egret compile --json`.
 */
import { FLOAT_KERNEL_RULES, registerBackend } from "../index.js";
import { cortexMSizeSummary } from "./compile-report.js";
import { cortexMFiles } from "./files.js";
import { CORTEX_M_VARIANTS } from "./variants.js";

/** The DSP lowering rules of the Armv7E-M variants (rules/targets/). */
export const CORTEX_M_RULES = "cortex-m.rules";

for (const variant of CORTEX_M_VARIANTS) {
  registerBackend({
    name: variant.name,
    description: variant.description,
    costModel: variant.costModel,
    ruleFiles: variant.dsp ? [FLOAT_KERNEL_RULES, CORTEX_M_RULES] : [FLOAT_KERNEL_RULES],
    files: (model) => cortexMFiles(variant, model),
    sizeReport: (outputDir, arenaBytes) => cortexMSizeSummary(variant.name, outputDir, arenaBytes),
  });
}
