/**
 * The `host` target: portable C99 for the build machine (model.c, the kernels it uses, a runner
 * and a Makefile for any C99 compiler), extracted under the generic host cost model.
 */
import { join } from "node:path";
import { host } from "../../costmodels/host.js";
import { withPatchBandPrices } from "../../costmodels/patch-bands.js";
import { hostFiles, inputFileNames } from "../../src/emit/output-files.js";
import { FLOAT_KERNEL_RULES } from "../../src/paths.js";
import type { TargetPlugin } from "../../src/pipeline/target.js";

export const hostPlugin: TargetPlugin = {
  name: "host",
  targets: [
    {
      name: "host",
      description: "portable C99 for the build machine (any C99 compiler; Makefile builds ./runner)",
      costModel: withPatchBandPrices(host),
      libraryOutput: true,
      floatRuleFiles: [FLOAT_KERNEL_RULES],
      files: (model) => hostFiles(model),
      runHint: (outputDir, inputs) => [`build: make -C ${outputDir}   run: ${join(outputDir, "runner")} ${inputFileNames(inputs)} OUTDIR`],
    },
  ],
};
