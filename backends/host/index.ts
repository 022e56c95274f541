/**
 * The `host` target: portable C99 for the build machine (model.c, the kernels it uses, a runner
 * and a Makefile for any C99 compiler), extracted under the generic host cost model.
 */
import { join } from "node:path";
import { host } from "../../costmodels/host.js";
import { hostFiles, inputFileNames } from "../../src/emit/output-files.js";
import type { TargetPlugin } from "../../src/pipeline/target.js";

export const hostPlugin: TargetPlugin = {
  name: "host",
  targets: [
    {
      name: "host",
      description: "portable C99 for the build machine (any C99 compiler; Makefile builds ./runner)",
      costModel: host,
      libraryOutput: true,
      // Not the blocked float kernels (yet): on the host they displace the NHWC layout rewrites
      // (test/optimizer/layout-nhwc.test.ts keeps transposes) and the fused Conv kernels the other tests
      // expect; they stay a microcontroller-target choice until their rules and prices cooperate with the layout rules.
      files: (model) => hostFiles(model),
      runHint: (outputDir, inputs) => [`build: make -C ${outputDir}   run: ${join(outputDir, "runner")} ${inputFileNames(inputs)} OUTDIR`],
    },
  ],
};
