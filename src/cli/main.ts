import { Command, CommanderError } from "commander";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { compileGraph, parseDumpOption } from "../compile.js";
import { EgretError, fail } from "../errors.js";
import { preloadKerasReaderFor } from "../importers/keras/index.js";
import { tflmArenaFor } from "../importers/tflite/tflm-arena.js";
import "../ir/ops/index.js";
import { runGraph } from "../interp/run.js";
import { readNpy, writeNpy } from "../io/npy.js";
import { checkOutputDir, writeOutputDir } from "../output.js";
import { EGRET_VERSION } from "../version.js";
import { checkRules, DEFAULT_CHECK_SEED, describeFailure } from "../rules/check.js";
import { loadRuleFiles } from "../rules/load.js";
import { describeGraph, formatInfo } from "./info.js";
import { isKmodelFile, printKmodelInfo, runKmodelFile } from "./kmodel.js";
import { opListing, opTableMarkdown } from "./op-table.js";
import { registerRunTargetCommand } from "./run-target.js";
import { registerBenchCommand } from "./bench.js";
import { findBackend } from "../../backends/index.js";
import { collect, constInputOption, inputShapeOption, inputsOption, load, outputsOption, prototxtOption, type LoadOptions } from "./load-options.js";
import { registerEvalCommand } from "./eval.js";
import { addCompileOptions, prepareCompile, type CompileCliOptions } from "./compile-options.js";
import { measureBuild, registerReportCommand, reportHtml, type ReportCliOptions } from "./report.js";
import { printCompileSummary, sramTrade } from "./compile-summary.js";
import { checkReportFile, writeReportFile } from "./report-file.js";
import { readProfile } from "../report/index.js";
import { clearProgress } from "./progress.js";
import { addEmitOptions, libraryHint, outputFiles as formFiles, outputForm, type EmitCliOptions } from "./emit-options.js";


const program = new Command()
  .name("egret")
  .description("Compile trained neural networks (ONNX, TFLite, Caffe, TensorFlow GraphDef, Keras .h5) into small, dependency-free C for microcontrollers (Cortex-M, RISC-V) and KPU programs for the Kendryte K210.")
  .version(EGRET_VERSION)
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

program
  .command("info")
  .description("show a model's inputs, outputs, op counts, parameters and MACs")
  .argument("<model>", "model file: ONNX, TFLite, Caffe .caffemodel, TensorFlow .pb, Keras .h5, or a K210 .kmodel (recognised by content)")
  .option("--json", "print machine-readable JSON")
  .addOption(inputShapeOption())
  .addOption(constInputOption())
  .addOption(inputsOption())
  .addOption(outputsOption())
  .addOption(prototxtOption())
  .action((model: string, opts: LoadOptions & { json?: boolean }) => {
    if (isKmodelFile(model)) return printKmodelInfo(model, opts.json === true);
    const info = describeGraph(load(model, opts));
    console.log(opts.json ? JSON.stringify(info, null, 2) : formatInfo(info));
  });

addEmitOptions(addCompileOptions(program.command("compile")))
  .description("compile a model to C: model.c, model.h, the runtime kernels it uses and a Makefile (make builds ./runner; Cortex-M targets: the library at the top, the QEMU harness and its Makefile in harness/), or with --emit library / --single-file the model as a library for your firmware")
  .argument("<model>", "model file: ONNX, TFLite, Caffe .caffemodel, TensorFlow .pb or Keras .h5 (recognised by content)")
  .requiredOption("-o, --output <dir>", "output directory, replaced as a whole (refused if it holds files Egret did not write, unless --force)")
  .option("--force", "replace the output directory even if it holds files Egret did not write (they are deleted)")
  .option("--json", "print a JSON summary (files, arena bytes, kernel count, weights bytes)")
  .option("--dump <kind-and-dir...>", "write debug dumps: egraph (saturated e-graph as Graphviz DOT) and/or ir (graph before/after as text), e.g. --dump egraph,ir dumps/ (after the model argument)")
  .option("--report [file.html]", "also write the HTML report (as `egret report`): to FILE, or report.html in the output directory (after the model argument)")
  .option("--data <path>", "with --report: evaluation inputs for the per-layer quantisation error (default: the --calib samples)")
  .option("--profile <file.json>", "with --report: measured instructions per kernel call, from `egret bench --per-op --json`")
  .action((model: string, opts: CompileCliOptions & ReportCliOptions & EmitCliOptions & { output: string; force?: boolean; json?: boolean; dump?: string[]; report?: string | true }) => {
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
    const prepared = prepareCompile(model, opts, opts.report !== undefined);
    const graph = prepared.graph;
    const result = compileGraph(graph, { ...prepared.options, reportBaseline: opts.json === true || opts.report !== undefined, dump: dumps.flatMap((d) => d.kinds) });
    clearProgress();
    const report = opts.report === undefined ? undefined : reportHtml(model, prepared, result, opts, profile === undefined ? {} : { profile });
    // Targets that measure their build (Cortex-M: a cross build's flash and RAM) do it before anything
    // is written: a link that overflows the board refuses the compile with no output folder.
    const backend = findBackend(opts.target);
    if (backend === undefined) fail("internal", `target ${opts.target}`, "compiled but not registered");
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
    // TFLite Micro's arena for the same model (from its golden record), to compare with arenaBytes.
    const tflmArenaBytes = tflmArenaFor(model);
    const trade = sramTrade(s);
    const { targetLines: _lines, files: _files, ...jsonSummary } = s;
    if (opts.json) console.log(JSON.stringify({ output: opts.output, files: written, ...(form === "runner" ? {} : { emit: form }), ...jsonSummary, ...(tflmArenaBytes === undefined ? {} : { tflmArenaBytes }), ...(targetSize === undefined ? {} : { targetSize }), ...(trade === undefined ? {} : { sramTrade: trade }) }, null, 2));
    else printCompileSummary(opts.output, { ...s, files: written }, form === "runner" ? backend : { ...backend, runHint: (dir) => libraryHint(dir, form) }, graph.inputs.length, targetSize);
  });

program
  .command("run")
  .description("run a model in the reference interpreter on .npy inputs and write .npy outputs")
  .argument("<model>", "model file (any format compile takes), or a K210 .kmodel (run with the KPU simulator)")
  .requiredOption("--input <file.npy>", "an input tensor, in model input order (repeatable)", collect, [] as string[])
  .requiredOption("--output-dir <dir>", "where to write <output name>.npy files")
  .addOption(inputShapeOption())
  .addOption(constInputOption())
  .addOption(inputsOption())
  .addOption(outputsOption())
  .addOption(prototxtOption())
  .action((model: string, opts: LoadOptions & { input: string[]; outputDir: string }) => {
    if (isKmodelFile(model)) return runKmodelFile(model, opts.input, opts.outputDir);
    const graph = load(model, opts);
    const outputs = runGraph(graph, opts.input.map((p) => readNpy(p)));
    try {
      mkdirSync(opts.outputDir, { recursive: true });
    } catch (e) {
      fail("io", `output directory ${opts.outputDir}`, `cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    graph.outputs.forEach((o, i) => {
      const file = join(opts.outputDir, `${o.name.replace(/[^A-Za-z0-9_.-]/g, "_")}.npy`);
      writeNpy(file, outputs[i]!);
      console.log(`${o.name}: ${o.dtype}[${o.shape.join("x")}] -> ${file}`);
    });
  });

program
  .command("rules")
  .description("work with rewrite rule files")
  .command("check")
  .description("check rules for soundness on random instances (prints a minimal counterexample for a wrong rule)")
  .argument("<files...>", "rule files (.rules)")
  .option("--runs <n>", "random instances per rule", "100")
  .option("--seed <n>", "seed of the random instances (the same seed gives the same instances; printed with every counterexample)", String(DEFAULT_CHECK_SEED))
  .action((files: string[], opts: { runs: string; seed: string }) => {
    const runs = Number(opts.runs);
    if (!Number.isInteger(runs) || runs < 1) fail("bad-option", "option --runs", `"${opts.runs}" is not a positive whole number`);
    const seed = Number(opts.seed);
    if (!/^\d+$/.test(opts.seed) || seed > 0x7fffffff) fail("bad-option", "option --seed", `"${opts.seed}" is not a whole number from 0 to ${0x7fffffff}`);
    const results = checkRules(loadRuleFiles(files), { runs, seed });
    for (const r of results) console.log(r.ok ? `ok    ${r.rule} (${r.instances} instances)` : `WRONG ${describeFailure(r)}`);
    const wrong = results.filter((r) => !r.ok).length;
    console.log(`${results.length - wrong} of ${results.length} rules passed (seed ${seed}, ${runs} runs per rule)`);
    if (wrong > 0) process.exitCode = 1;
  });

program
  .command("ops")
  .description("list the supported operators, their element types and the opsets and forms they accept")
  .option("--json", "print machine-readable JSON")
  .option("--markdown", "print the README's op table")
  .action((opts: { json?: boolean; markdown?: boolean }) => {
    const ops = opListing();
    if (opts.markdown) console.log(opTableMarkdown());
    else if (opts.json) console.log(JSON.stringify(ops, null, 2));
    else for (const o of ops) console.log(`${o.family.padEnd(12)} ${o.op.padEnd(26)} ${o.types} | ${o.forms}`);
  });

registerEvalCommand(program);
registerReportCommand(program);
registerRunTargetCommand(program);
registerBenchCommand(program);

// The .h5 reader initialises asynchronously; load it up front when a model argument is HDF5.
await preloadKerasReaderFor(process.argv.slice(2));
try {
  program.parse(process.argv);
} catch (e) {
  clearProgress();
  if (e instanceof CommanderError) {
    // --help and --version exit 0; usage errors were already printed by commander.
    process.exitCode = e.exitCode;
  } else if (e instanceof EgretError) {
    console.error(`egret: error: ${e.message}`);
    process.exitCode = 1;
  } else {
    console.error(`egret: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 70;
  }
} finally {
  // Every action is synchronous, so the command is over here: stop the progress bar's redraw timer,
  // which would otherwise keep the process alive.
  clearProgress();
}
