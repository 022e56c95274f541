import { Option, type Command } from "commander";
import { join } from "node:path";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import type { CompileResult } from "../pipeline/compile.js";
import { libraryFiles } from "../library/library-files.js";

/**
 * `egret compile --emit runner|library` and `--single-file`: what the output folder is. `runner`
 * (the default) is the target's demo build (host runner, or a board harness); `library` is the
 * model for a firmware project (src/library/); `--single-file` is a library of one .c and one .h.
 * Only targets whose output is plain C (`Target.libraryOutput`) have a library form: an
 * accelerator's program for its own runtime stays a runner.
 */
export const EMIT_KINDS = ["runner", "library"] as const;
export type EmitKind = (typeof EMIT_KINDS)[number];

export interface EmitCliOptions {
  emit?: EmitKind;
  singleFile?: boolean;
}

/** What the output folder holds. */
export type OutputForm = "runner" | "library" | "single-file";

export function addEmitOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--emit <kind>", "runner: the target's demo build (host: Makefile and runner; a board target: the library plus its harness in harness/); library: the model for your firmware (model.c/.h, kernels, CMakeLists.txt with add_library(egret_model), model.mk), no runner").choices([...EMIT_KINDS]),
    )
    .option("--single-file", "write the library as one model.c (kernels inlined as static) and model.h (implies --emit library)");
}

/** The output form the options ask for; bad combinations fail naming the options. */
export function outputForm(opts: EmitCliOptions, target: string): OutputForm {
  if (opts.singleFile === true && opts.emit === "runner") fail("bad-option", "options --single-file and --emit runner", "cannot be combined: a single file is a library (drop --emit runner, or drop --single-file for the runner build)");
  const form: OutputForm = opts.singleFile === true ? "single-file" : (opts.emit ?? "runner");
  if (form !== "runner" && egret.toolchain.target(target).libraryOutput !== true) {
    const plainC = egret.toolchain.targets.filter((t) => t.libraryOutput === true).map((t) => t.name);
    fail("bad-option", opts.singleFile === true ? "option --single-file" : "option --emit library", `target ${target} writes a program for its own runtime, not a C library; use a target whose output is plain C (${plainC.join(", ")}), or drop the option`);
  }
  return form;
}

/** The output folder's files for the form (the compile's own files for `runner`). */
export function outputFiles(result: CompileResult, form: OutputForm): Map<string, string | Uint8Array> {
  if (form === "runner") return new Map<string, string | Uint8Array>([...result.files, ...result.binaryFiles]);
  return libraryFiles(result.files, { singleFile: form === "single-file", target: result.summary.target, runtimeUnits: result.summary.runtimeUnits });
}

/** The closing lines of a library compile: how to add it to a project (replaces the runner's hint). */
export function libraryHint(outputDir: string, form: Exclude<OutputForm, "runner">): string[] {
  if (form === "single-file") {
    return [`use: add ${join(outputDir, "model.c")} to your sources, -I${outputDir}, link -lm; #include "model.h", MODEL_DEFINE_ARENA(arena); model_run(inputs, outputs, arena);`];
  }
  return [
    `CMake: add_subdirectory(${outputDir} egret_model) and target_link_libraries(<your target> PRIVATE egret_model)`,
    `Make:  include ${join(outputDir, "model.mk")}, then SRCS += $(EGRET_MODEL_SRCS), CFLAGS += $(EGRET_MODEL_CFLAGS), LDLIBS += $(EGRET_MODEL_LDLIBS)`,
    `code:  #include "model.h", MODEL_DEFINE_ARENA(arena); model_run(inputs, outputs, arena);   (sizes, types and quantisation: macros in model.h)`,
  ];
}
