/**
 * The Cortex-M plugin (`--target cortex-m4 | cortex-m7 | cortex-m0plus`). The model and kernels are
 * the host's; the target adds the cross build and the QEMU harness. Armv7E-M variants add the DSP
 * lowering rules (rules/targets/cortex-m.rules) onto this folder's DSP ops (ops/), every variant
 * reports flash and RAM from a cross build for `egret compile --json` and can be measured under
 * QEMU (`egret run-target`, `egret bench`).
 */
import { join } from "node:path";
import { RULES_DIR } from "../../src/paths.js";
import type { Target, TargetPlugin } from "../../src/pipeline/target.js";
import { cortexMSizeSummary } from "./compile-report.js";
import { cortexMFiles } from "./files.js";
import { cortexMMeasurement } from "./measure.js";
import { CONV_DSP_OPS } from "./ops/conv-dsp.js";
import { FULLY_CONNECTED_DSP_OPS } from "./ops/fully-connected-dsp.js";
import { CORTEX_M_VARIANTS, type CortexMVariant } from "./variants.js";

/** The DSP lowering rules of the Armv7E-M variants. */
export const CORTEX_M_RULES = join(RULES_DIR, "targets", "cortex-m.rules");

function variantTarget(variant: CortexMVariant): Target {
  return {
    name: variant.name,
    description: variant.description,
    costModel: variant.costModel,
    ...(variant.dsp ? { ruleFiles: [CORTEX_M_RULES] } : {}),
    files: (model, _program, context) => cortexMFiles(variant, model, context.profiled),
    sizeReport: (outputDir, arenaBytes) => cortexMSizeSummary(variant.name, outputDir, arenaBytes),
    measurement: cortexMMeasurement(variant),
  };
}

export const cortexMPlugin: TargetPlugin = {
  name: "cortex-m",
  targets: CORTEX_M_VARIANTS.map(variantTarget),
  ops: [...CONV_DSP_OPS, ...FULLY_CONNECTED_DSP_OPS],
};
