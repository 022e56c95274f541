import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../errors.js";
import { RUNTIME_C_DIR } from "../paths.js";
import { cmakeFragment, makeFragment } from "./build-fragments.js";
import { singleFileSource, type UnitSource } from "./single-file.js";

/**
 * `egret compile --emit library`: the model as a library a firmware project includes as is:
 * model.c, model.h, egret.h and the kernels the model calls, a CMakeLists.txt (`add_library
 * (egret_model ...)`, for add_subdirectory) and a model.mk for Make; no runner, no Makefile, no
 * board harness. `--single-file`: model.c (everything, kernels `static`) and model.h only.
 */
export interface LibraryOptions {
  readonly singleFile: boolean;
  /** The target the model was compiled for, named in the build fragments' comments. */
  readonly target: string;
  /** Runtime units (runtime-c/kernels/<unit>.{c,h}) the model calls, in the compile's order. */
  readonly runtimeUnits: readonly string[];
}

/** The library's files, from the compile's model.c and model.h. */
export function libraryFiles(compiled: ReadonlyMap<string, string>, options: LibraryOptions): Map<string, string> {
  const modelC = compiled.get("model.c");
  const modelH = compiled.get("model.h");
  if (modelC === undefined || modelH === undefined) fail("internal", `target ${options.target}`, "wrote no model.c/model.h to make a library of");
  const egretH = readFileSync(join(RUNTIME_C_DIR, "egret.h"), "utf8");
  const units: UnitSource[] = options.runtimeUnits.map((name) => ({
    name,
    header: readFileSync(join(RUNTIME_C_DIR, "kernels", `${name}.h`), "utf8"),
    source: readFileSync(join(RUNTIME_C_DIR, "kernels", `${name}.c`), "utf8"),
  }));
  if (options.singleFile) {
    return new Map([
      ["model.c", singleFileSource(modelC, egretH, units)],
      ["model.h", modelH],
    ]);
  }
  const files = new Map<string, string>([
    ["model.c", modelC],
    ["model.h", modelH],
    ["egret.h", egretH],
  ]);
  for (const unit of units) {
    files.set(`${unit.name}.h`, unit.header);
    files.set(`${unit.name}.c`, unit.source);
  }
  const sources = ["model.c", ...units.map((u) => `${u.name}.c`)];
  files.set("CMakeLists.txt", cmakeFragment(sources, options.target));
  files.set("model.mk", makeFragment(sources, options.target));
  return files;
}
