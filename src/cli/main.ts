import { Command, CommanderError, Option } from "commander";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileGraph, parseDumpOption, TARGETS, type Target } from "../compile.js";
import type { ExtractorName } from "../egraph/ir/optimize.js";
import { EgretError, fail } from "../errors.js";
import { importModelFile } from "../importers/index.js";
import { preloadKerasReaderFor } from "../importers/keras/index.js";
import { tflmArenaFor } from "../importers/tflite/tflm-arena.js";
import "../ir/ops/index.js";
import { runGraph } from "../interp/run.js";
import { readNpy, writeNpy } from "../io/npy.js";
import { writeOutputDir } from "../output.js";
import { PACKAGE_ROOT } from "../paths.js";
import { checkRules } from "../rules/check.js";
import { loadRuleFiles } from "../rules/load.js";
import { describeGraph, formatInfo } from "./info.js";
import { isKmodelFile, printKmodelInfo, runKmodelFile } from "./kmodel.js";
import { opListing, opTableMarkdown } from "./op-table.js";
import { registerRunTargetCommand } from "./run-target.js";
import { registerBenchCommand } from "./bench.js";
import { findBackend } from "../../backends/index.js";
import { parseConstInputs, parseInputShapes } from "./options.js";
import { addQuantizeOptions, maybeQuantize, type QuantizeCliOptions } from "./quantize-options.js";
import { k210CalibrationFromOptions } from "./k210-calib.js";
import { registerEvalCommand } from "./eval.js";

const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;

const collect = (value: string, previous: string[]) => [...previous, value];
const inputShapeOption = () =>
  new Option("--input-shape <name=dims>", "static shape for an input with unknown or symbolic dims, e.g. x=1x3x32x32 (repeatable)")
    .argParser(collect)
    .default([] as string[]);

const constInputOption = () =>
  new Option("--const-input <name=file.npy>", "freeze an input to the value in a .npy file, so shapes or axes fed as inputs become static (repeatable)")
    .argParser(collect)
    .default([] as string[]);

/** TensorFlow GraphDef subgraph selection: comma-separated node names. */
const inputsOption = () => new Option("--inputs <names>", "TensorFlow .pb: comma-separated node names that become the model inputs");
const outputsOption = () => new Option("--outputs <names>", "TensorFlow .pb: comma-separated node names that become the model outputs");
/** Caffe: the deploy net that defines the graph of a .caffemodel (its blobs are matched by layer name). */
const prototxtOption = () => new Option("--prototxt <file>", "Caffe .caffemodel: the deploy .prototxt defining the net (instead of the net embedded in the .caffemodel)");
const nameList = (list: string | undefined) => (list ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "");

interface LoadOptions {
  inputShape: string[];
  constInput: string[];
  inputs?: string;
  outputs?: string;
  prototxt?: string;
}

function load(model: string, opts: LoadOptions) {
  return importModelFile(model, {
    inputShapes: parseInputShapes(opts.inputShape),
    constantInputs: parseConstInputs(opts.constInput, readNpy),
    tfInputs: nameList(opts.inputs),
    tfOutputs: nameList(opts.outputs),
    ...(opts.prototxt === undefined ? {} : { prototxt: opts.prototxt }),
  });
}

/** `--sram-budget` value: whole bytes, optionally with a k/K (1024) suffix. */
function parseBytes(text: string): number {
  const match = /^(\d+)([kK]?)$/.exec(text.trim());
  if (match === null) fail("bad-option", "option --sram-budget", `"${text}" is not a number of bytes (e.g. 65536 or 64k)`);
  return Number(match[1]) * (match[2] === "" ? 1 : 1024);
}

const program = new Command()
  .name("egret")
  .description("Compile trained neural networks (ONNX) into small, dependency-free C for microcontrollers.")
  .version(version)
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

addQuantizeOptions(program.command("compile"))
  .description("compile a model to C: model.c, model.h, the runtime kernels it uses and a Makefile (make builds ./runner)")
  .argument("<model>", "model file: ONNX, TFLite, Caffe .caffemodel, TensorFlow .pb or Keras .h5 (recognised by content)")
  .requiredOption("-o, --output <dir>", "output directory (created; files in it are replaced)")
  .addOption(new Option("--target <target>", "code generation target").choices([...TARGETS]).default("host"))
  .option("--json", "print a JSON summary (files, arena bytes, kernel count, weights bytes)")
  .addOption(inputShapeOption())
  .addOption(constInputOption())
  .addOption(inputsOption())
  .addOption(outputsOption())
  .addOption(prototxtOption())
  .option("--no-optimize", "skip the e-graph optimizer (compile the imported graph as is)")
  .option("--rules <file.rules>", "add a user rule file to the shipped rules (repeatable)", collect, [] as string[])
  .addOption(new Option("--extractor <name>", "extraction: dag counts shared sub-expressions once (time-limited, seeded with greedy)").choices(["dag", "greedy"]).default("dag"))
  .option("--sram-budget <bytes>", "largest arena: pick the cheapest program whose arena fits, or fail with the smallest arena found")
  .option("--dump <kind-and-dir...>", "write debug dumps: egraph (saturated e-graph as Graphviz DOT) and/or ir (graph before/after as text), e.g. --dump egraph,ir dumps/ (after the model argument)")
  .action((model: string, opts: LoadOptions & QuantizeCliOptions & { output: string; target: Target; json?: boolean; optimize: boolean; rules: string[]; extractor: ExtractorName; sramBudget?: string; dump?: string[] }) => {
    // The K210 target quantises its KPU layers itself: --calib feeds its lowering, not --quantize.
    const loaded = load(model, opts);
    const calibration = opts.target === "k210" ? k210CalibrationFromOptions(loaded, opts) : undefined;
    const graph = opts.target === "k210" ? loaded : maybeQuantize(loaded, opts);
    const dumps = parseDumpOption(opts.dump ?? []);
    const result = compileGraph(graph, {
      target: opts.target,
      sourceName: model,
      ...(calibration === undefined ? {} : { calibration }),
      optimize: opts.optimize,
      extraRules: loadRuleFiles(opts.rules),
      reportBaseline: opts.json === true,
      extractor: opts.extractor,
      ...(opts.sramBudget === undefined ? {} : { sramBudget: parseBytes(opts.sramBudget) }),
      dump: dumps.flatMap((d) => d.kinds),
    });
    writeOutputDir(opts.output, new Map<string, string | Uint8Array>([...result.files, ...result.binaryFiles]));
    for (const { kinds, dir } of dumps) {
      const names = new Set(kinds.flatMap((k) => (k === "egraph" ? ["egraph.dot"] : ["ir-before.txt", "ir-after.txt"])));
      writeOutputDir(dir, new Map([...result.dumps].filter(([name]) => names.has(name))));
    }
    const s = result.summary;
    // TFLite Micro's arena for the same model (from its golden record), to compare with arenaBytes.
    const tflmArenaBytes = tflmArenaFor(model);
    // Targets that can measure their build (Cortex-M: flash and RAM of a cross build) report it.
    const targetSize = opts.json ? findBackend(opts.target)?.sizeReport?.(opts.output, s.arenaBytes) : undefined;
    if (opts.json) console.log(JSON.stringify({ output: opts.output, ...s, ...(tflmArenaBytes === undefined ? {} : { tflmArenaBytes }), ...(targetSize === undefined ? {} : { targetSize }) }, null, 2));
    else {
      console.log(`wrote ${s.files.length} files to ${opts.output}: ${s.files.join(", ")}`);
      console.log(`arena ${s.arenaBytes} bytes (lower bound ${s.arenaLowerBound}), weights ${s.weightsBytes} bytes, ${s.kernelCalls} kernel calls`);
      const x = s.optimizer?.extraction;
      if (x !== undefined) console.log(`extraction: ${x.used}${x.dagStatus === undefined ? "" : ` (dag search: ${x.dagStatus})`}${x.sram === undefined ? "" : `, arena ${x.sram.arenaBytes} <= budget ${x.sram.budget} (${x.sram.candidates.length} candidates)`}`);
      console.log(`build: make -C ${opts.output}   run: ${join(opts.output, "runner")} ${graph.inputs.map((_, i) => `IN${i}.bin`).join(" ")} OUTDIR`);
    }
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
  .action((files: string[], opts: { runs: string }) => {
    const runs = Number(opts.runs);
    if (!Number.isInteger(runs) || runs < 1) fail("bad-option", "option --runs", `"${opts.runs}" is not a positive whole number`);
    const results = checkRules(loadRuleFiles(files), { runs });
    for (const r of results) {
      console.log(r.ok ? `ok    ${r.rule} (${r.instances} instances)` : `WRONG ${r.rule} at ${r.location}: ${r.counterexample ?? ""}`);
    }
    const wrong = results.filter((r) => !r.ok).length;
    console.log(`${results.length - wrong} of ${results.length} rules passed`);
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
registerRunTargetCommand(program);
registerBenchCommand(program);

// The .h5 reader initialises asynchronously; load it up front when a model argument is HDF5.
await preloadKerasReaderFor(process.argv.slice(2));
try {
  program.parse(process.argv);
} catch (e) {
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
}
