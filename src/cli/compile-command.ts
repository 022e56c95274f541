import type { Command } from "commander";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import { checkOutputDir, writeOutputDir } from "../output.js";
import { readProfile } from "../report/index.js";
import { addCompileOptions, prepareCompile, type CompileCliOptions } from "./compile-options.js";
import { printCompileSummary, sramTrade } from "./compile-summary.js";
import { parseDumpOption } from "./dump-option.js";
import { addEmitOptions, libraryHint, outputFiles as formFiles, outputForm, type EmitCliOptions } from "./emit-options.js";
import { MODEL_ARGUMENT } from "./load-options.js";
import { printDiagnostics } from "./print.js";
import { clearProgress } from "./progress.js";
import { exportScheme } from "./quantize-options.js";
import { checkReportFile, writeReportFile } from "./report-file.js";
import { measureBuild, reportHtml, type ReportCliOptions } from "./report.js";

interface CompileCommandOptions extends CompileCliOptions, ReportCliOptions, EmitCliOptions {
  output: string;
  force?: boolean;
  json?: boolean;
  dump?: string[];
  report?: string | true;
}

/** `egret compile`: the library's compile with options from the command line; writes the output folder. */
export function registerCompileCommand(program: Command): void {
  addEmitOptions(addCompileOptions(program.command("compile")))
    .description("compile a model to C: model.c, model.h, the runtime kernels it uses and a Makefile (make builds ./runner; a board target writes the library at the top and its harness with its own Makefile in harness/), or with --emit library / --single-file the model as a library for your firmware")
    .argument("<model>", MODEL_ARGUMENT)
    .requiredOption("-o, --output <dir>", "output directory, replaced as a whole (refused if it holds files Egret did not write, unless --force)")
    .option("--force", "replace the output directory even if it holds files Egret did not write (they are deleted)")
    .option("--json", "print a JSON summary (files, arena bytes, kernel count, weights bytes)")
    .option("--dump <kind-and-dir...>", "write debug dumps: egraph (saturated e-graph as Graphviz DOT) and/or ir (graph before/after as text), e.g. --dump egraph,ir dumps/ (after the model argument)")
    .option("--report [file.html]", "also write the HTML report (as `egret report`): to FILE, or report.html in the output directory (after the model argument)")
    .option("--data <path>", "with --report: evaluation inputs for the per-layer quantisation error (default: the --calib samples)")
    .option("--profile <file.json>", "with --report: measured instructions per kernel call, from `egret bench --per-op --json`")
    .action((model: string, opts: CompileCommandOptions) => compileAction(model, opts));
}

function compileAction(model: string, opts: CompileCommandOptions): void {
  const output = { force: opts.force === true, option: "option -o/--output", forceFlag: "--force" };
  const form = outputForm(opts, opts.target);
  // Refused output folders, bad limits and wrong user rules fail before the (possibly long) compile.
  const outputDir = checkOutputDir(opts.output, output);
  const dumps = parseDumpOption(opts.dump ?? []);
  for (const { dir } of dumps) {
    if (checkOutputDir(dir, { option: "option --dump" }) === outputDir) fail("bad-option", "option --dump", `"${dir}" is the output directory; dumps need a folder of their own`);
  }
  if (typeof opts.report === "string") checkReportFile(opts.report, "option --report");
  const profile = opts.profile === undefined ? undefined : readProfile(opts.profile);
  const prepared = prepareCompile(model, opts);
  const target = egret.toolchain.target(opts.target);
  const result = egret.compile(prepared.imported, { ...prepared.options, reportBaseline: opts.json === true || opts.report !== undefined, dump: dumps.flatMap((d) => d.kinds) });
  clearProgress();
  printDiagnostics(result.diagnostics);
  exportScheme(opts, result.quantization);
  const report = opts.report === undefined ? undefined : reportHtml(model, prepared, result, opts, profile === undefined ? {} : { profile });
  // Targets that measure their build (e.g. a cross build's flash and RAM) do it before anything is
  // written: a link that overflows the board refuses the compile with no output folder.
  const targetSize = measureBuild(result);
  const outputFiles = formFiles(result, form);
  const written = form === "runner" ? result.summary.files : [...outputFiles.keys()].sort();
  if (report !== undefined && opts.report === true) outputFiles.set("report.html", report);
  writeOutputDir(opts.output, outputFiles, output);
  if (report !== undefined && typeof opts.report === "string") writeReportFile(opts.report, report, "option --report");
  for (const { kinds, dir } of dumps) {
    const names = new Set(kinds.flatMap((k) => (k === "egraph" ? ["egraph.dot"] : ["ir-before.txt", "ir-after.txt"])));
    writeOutputDir(dir, new Map([...result.dumps].filter(([name]) => names.has(name))), { option: "option --dump" });
  }
  const s = result.summary;
  const trade = sramTrade(s);
  const { targetLines: _lines, files: _files, ...jsonSummary } = s;
  if (opts.json) console.log(JSON.stringify({ output: opts.output, files: written, ...(form === "runner" ? {} : { emit: form }), ...jsonSummary, ...(targetSize === undefined ? {} : { targetSize }), ...(trade === undefined ? {} : { sramTrade: trade }) }, null, 2));
  else printCompileSummary(opts.output, { ...s, files: written }, form === "runner" ? target : { ...target, runHint: (dir) => libraryHint(dir, form) }, prepared.imported.inputs.length, targetSize);
}
