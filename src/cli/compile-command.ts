import { Option, type Command } from "commander";
import { join } from "node:path";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import type { ExtractorName } from "../optimizer/optimize.js";
import { checkOutputDir, writeOutputDir } from "../output.js";
import type { CompileResult } from "../pipeline/compile.js";
import { DEFAULT_TARGET } from "../pipeline/toolchain.js";
import { parseDumpOption } from "./dump-option.js";
import { LIMIT_NAMES, parseLimitOptions } from "./limit-options.js";
import { addLoadOptions, loadModel, MODEL_ARGUMENT, type LoadOptions } from "./load-options.js";
import { printDiagnostics } from "./print.js";
import { addQuantizeOptions, calibrationFrom, quantizeOptionsFrom, exportScheme, type QuantizeCliOptions } from "./quantize-options.js";

interface CompileCliOptions extends LoadOptions, QuantizeCliOptions {
  output: string;
  force?: boolean;
  target: string;
  json?: boolean;
  optimize: boolean;
  rules: string[];
  checkRules: boolean;
  extractor: ExtractorName;
  sramBudget?: string;
  dump?: string[];
  limit: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--sram-budget` value: whole bytes, optionally with a k/K (1024) suffix. */
function parseBytes(text: string): number {
  const match = /^(\d+)([kK]?)$/.exec(text.trim());
  if (match === null) fail("bad-option", "option --sram-budget", `"${text}" is not a number of bytes (e.g. 65536 or 64k)`);
  return Number(match[1]) * (match[2] === "" ? 1 : 1024);
}

/** `egret compile`: the library's compile with options from the command line; writes the output folder. */
export function registerCompileCommand(program: Command): void {
  const targets = egret.toolchain.targets;
  const cmd = addQuantizeOptions(program.command("compile"))
    .description("compile a model to C: model.c, model.h, the runtime kernels it uses and a Makefile (make builds ./runner)")
    .argument("<model>", MODEL_ARGUMENT)
    .requiredOption("-o, --output <dir>", "output directory, replaced as a whole (refused if it holds files Egret did not write, unless --force)")
    .option("--force", "replace the output directory even if it holds files Egret did not write (they are deleted)")
    .addOption(new Option("--target <target>", `code generation target: ${targets.map((t) => `${t.name} (${t.description})`).join("; ")}`).choices(targets.map((t) => t.name)).default(DEFAULT_TARGET))
    .option("--json", "print a JSON summary (files, arena bytes, kernel count, weights bytes)");
  addLoadOptions(cmd)
    .option("--no-optimize", "skip the e-graph optimizer (compile the imported graph as is)")
    .option("--rules <file.rules>", "add a user rule file to the shipped rules (repeatable); its rules must pass `egret rules check` first", collect, [] as string[])
    .option("--no-check-rules", "use --rules files without running the soundness checker on them first")
    .addOption(new Option("--extractor <name>", "extraction: dag counts shared sub-expressions once (step-limited, seeded with greedy)").choices(["dag", "greedy"]).default("dag"))
    .option("--limit <name=n>", `optimizer work limit (${LIMIT_NAMES.slice(0, -1).join(", ")}) or its wall-clock safety net in seconds (seconds=0: off), e.g. --limit iterations=20 (repeatable)`, collect, [] as string[])
    .option("--sram-budget <bytes>", "largest arena: pick the cheapest program whose arena fits, or fail with the smallest arena found")
    .option("--dump <kind-and-dir...>", "write debug dumps: egraph (saturated e-graph as Graphviz DOT) and/or ir (graph before/after as text), e.g. --dump egraph,ir dumps/ (after the model argument)")
    .action((model: string, opts: CompileCliOptions) => compileAction(model, opts));
}

function compileAction(model: string, opts: CompileCliOptions): void {
  const output = { force: opts.force === true, option: "option -o/--output", forceFlag: "--force" };
  // Refused output folders, bad limits and wrong user rules fail before the (possibly long) compile.
  const outputDir = checkOutputDir(opts.output, output);
  const dumps = parseDumpOption(opts.dump ?? []);
  for (const { dir } of dumps) {
    if (checkOutputDir(dir, { option: "option --dump" }) === outputDir) fail("bad-option", "option --dump", `"${dir}" is the output directory; dumps need a folder of their own`);
  }
  const { limits, safetyNetSeconds } = parseLimitOptions(opts.limit);
  const userRules = egret.loadRules(opts.rules, opts.checkRules);
  const target = egret.toolchain.target(opts.target);
  const quantize = quantizeOptionsFrom(opts);
  const graph = loadModel(model, opts);
  const calibration = calibrationFrom(graph, opts, target);
  const result = egret.compile(graph, {
    target: target.name,
    sourceName: model,
    optimize: opts.optimize,
    userRules,
    reportBaseline: opts.json === true,
    extractor: opts.extractor,
    limits,
    ...(safetyNetSeconds === undefined ? {} : { safetyNetSeconds }),
    ...(opts.sramBudget === undefined ? {} : { sramBudget: parseBytes(opts.sramBudget) }),
    ...(quantize === undefined ? {} : { quantize }),
    ...(calibration === undefined ? {} : { calibration }),
    dump: dumps.flatMap((d) => d.kinds),
  });
  printDiagnostics(result.diagnostics);
  exportScheme(opts, result.quantization);
  writeOutputDir(opts.output, new Map<string, string | Uint8Array>([...result.files, ...result.binaryFiles]), output);
  for (const { kinds, dir } of dumps) {
    const names = new Set(kinds.flatMap((k) => (k === "egraph" ? ["egraph.dot"] : ["ir-before.txt", "ir-after.txt"])));
    writeOutputDir(dir, new Map([...result.dumps].filter(([name]) => names.has(name))), { option: "option --dump" });
  }
  // Targets that can measure their build (e.g. flash and RAM of a cross build) report it.
  const targetSize = opts.json ? target.sizeReport?.(opts.output, result.summary.arenaBytes) : undefined;
  if (opts.json) console.log(JSON.stringify({ output: opts.output, ...result.summary, ...(targetSize === undefined ? {} : { targetSize }) }, null, 2));
  else printSummary(result, opts.output, graph.inputs.length);
}

function printSummary(result: CompileResult, output: string, inputs: number): void {
  const s = result.summary;
  console.log(`wrote ${s.files.length} files to ${output}: ${s.files.join(", ")}`);
  console.log(`arena ${s.arenaBytes} bytes (lower bound ${s.arenaLowerBound}), weights ${s.weightsBytes} bytes, ${s.kernelCalls} kernel calls`);
  const o = s.optimizer;
  if (o !== undefined && o.stopReason !== "saturated") console.log(`optimizer: saturation stopped at the ${o.stopReason} after ${o.iterations} iterations (${o.nodes} e-nodes, ${o.work.ruleApplications} rule applications; --limit raises it)`);
  const x = o?.extraction;
  if (x !== undefined) console.log(`extraction: ${x.used}${x.dagStatus === undefined ? "" : ` (dag search: ${x.dagStatus})`}${x.sram === undefined ? "" : `, arena ${x.sram.arenaBytes} <= budget ${x.sram.budget} (${x.sram.candidates.length} candidates)`}`);
  console.log(`build: make -C ${output}   run: ${join(output, "runner")} ${Array.from({ length: inputs }, (_, i) => `IN${i}.bin`).join(" ")} OUTDIR`);
}
