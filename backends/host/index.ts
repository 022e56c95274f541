/**
 * The `host` target: portable C99 for the build machine (model.c, the kernels it uses, a runner
 * and a Makefile for any C99 compiler), extracted under the generic host cost model.
 */
import { host } from "../../costmodels/host.js";
import { hostFiles } from "../../src/emit/output-files.js";
import type { TargetPlugin } from "../../src/pipeline/target.js";

export const hostPlugin: TargetPlugin = {
  name: "host",
  targets: [
    {
      name: "host",
      description: "portable C99 for the build machine (any C99 compiler; Makefile builds ./runner)",
      costModel: host,
      files: (model) => hostFiles(model),
    },
  ],
};
