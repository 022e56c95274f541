import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EmittedModel } from "../../src/emit/emit-model.js";
import type { Graph } from "../../src/ir/graph.js";
import { libraryFiles } from "../../src/library/library-files.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { harnessMakefile } from "./harness-makefile.js";
import { boardNeed, requireFitsBoard } from "./board.js";
import type { CortexMVariant } from "./variants.js";

/** The QEMU harness sources shipped in backends/cortex-m/c/ (startup, semihosting, counter, runner). */
export const HARNESS_DIR = join(PACKAGE_ROOT, "backends", "cortex-m", "c");
const HARNESS_FILES = ["startup.c", "semihost.c", "semihost.h", "counter.h", "profile.h", "runner.c", "mps2.ld"];
const HARNESS_SOURCES = ["runner.c", "startup.c", "semihost.c"];

/** Name of the profiled copy of model.c that `make profile` builds in harness/ (written by `egret bench --per-op`). */
export const PROFILE_SOURCE = "model_profile.c";

/**
 * The sub-folder of a Cortex-M output that holds the QEMU harness and its Makefile. The output's top
 * is the model library exactly as `--emit library` writes it (model.c/.h, egret.h, kernels,
 * CMakeLists.txt, model.mk), so a firmware project takes the folder as is and ignores harness/;
 * the harness builds the library through ../model.mk like any firmware would.
 */
export const HARNESS_FOLDER = "harness";

/** Where the harness of the Cortex-M output in `outputDir` is: run `make` (and QEMU) there. */
export function harnessDir(outputDir: string): string {
  return join(outputDir, HARNESS_FOLDER);
}

/**
 * Output directory of a Cortex-M target: the model library (the host's model.c/model.h and
 * kernels, with the library's build fragments) at the top, and under harness/ the QEMU MPS2
 * harness with a Makefile that cross-builds runner.elf and runs it under QEMU (and, with a profiled
 * emission, harness/model_profile.c for `make profile`). A program that cannot fit the board is
 * refused here, before anything is written.
 */
export function cortexMFiles(variant: CortexMVariant, model: EmittedModel, program: Graph, profiled?: EmittedModel): Map<string, string> {
  requireFitsBoard(variant, boardNeed(program, model.plan.arena.size, model.weightBytes, model.stateBytes));
  const library = libraryFiles(new Map([["model.c", model.modelC], ["model.h", model.modelH]]), { singleFile: false, target: variant.name, runtimeUnits: model.runtimeUnits });
  const files = new Map<string, string>(library);
  if (profiled !== undefined) files.set(`${HARNESS_FOLDER}/${PROFILE_SOURCE}`, profiled.modelC);
  for (const name of HARNESS_FILES) files.set(`${HARNESS_FOLDER}/${name}`, readFileSync(join(HARNESS_DIR, name), "utf8"));
  files.set(`${HARNESS_FOLDER}/Makefile`, harnessMakefile(variant, HARNESS_SOURCES, model.profileRows));
  return files;
}
