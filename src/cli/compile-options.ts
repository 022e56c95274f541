import { Option, type Command } from "commander";
import { TARGETS, type CompileOptions, type Target } from "../compile.js";
import type { ExtractorName } from "../egraph/ir/optimize.js";
import type { Graph } from "../ir/graph.js";
import type { PtqResult } from "../quantize/ptq.js";
import { requireSoundRules } from "../rules/check.js";
import { loadRuleFiles } from "../rules/load.js";
import { k210CalibrationFromOptions, k210Uint8Input } from "./k210-calib.js";
import { LIMIT_NAMES, parseLimitOptions } from "./limit-options.js";
import { collect, constInputOption, inputShapeOption, inputsOption, load, outputsOption, parseBytes, prototxtOption, type LoadOptions } from "./load-options.js";
import { progressLine } from "./progress.js";
import { addQuantizeOptions, maybeQuantize, quantizeFromOptions, type QuantizeCliOptions } from "./quantize-options.js";

/** The options `egret compile` and `egret report` share: what to compile and how. */
export interface CompileCliOptions extends LoadOptions, QuantizeCliOptions {
  target: Target;
  optimize: boolean;
  rules: string[];
  checkRules: boolean;
  extractor: ExtractorName;
  sramBudget?: string;
  inPlace: boolean;
  limit: string[];
  kmodel: boolean;
  inputType: string;
}

export function addCompileOptions(cmd: Command): Command {
  return addQuantizeOptions(cmd)
    .addOption(new Option("--target <target>", "code generation target").choices([...TARGETS]).default("host"))
    .addOption(inputShapeOption())
    .addOption(constInputOption())
    .addOption(inputsOption())
    .addOption(outputsOption())
    .addOption(prototxtOption())
    .option("--no-optimize", "skip the e-graph optimizer (compile the imported graph as is)")
    .option("--rules <file.rules>", "add a user rule file to the shipped rules (repeatable); its rules must pass `egret rules check` first", collect, [] as string[])
    .option("--no-check-rules", "use --rules files without running the soundness checker on them first")
    .addOption(new Option("--extractor <name>", "extraction: dag counts shared sub-expressions once (step-limited, seeded with greedy)").choices(["dag", "greedy"]).default("dag"))
    .option("--limit <name=n>", `optimizer work limit (${LIMIT_NAMES.slice(0, -1).join(", ")}) or its wall-clock safety net in seconds (seconds=0: off), e.g. --limit iterations=20 (repeatable)`, collect, [] as string[])
    .option("--sram-budget <bytes>", "largest arena: pick the cheapest program whose arena fits, or fail with the smallest arena found")
    .addOption(new Option("--input-type <type>", "k210: uint8 = the model takes uint8 planar (NCHW) frames, x = (u/255 - mean)/std with --mean/--std, placed straight into KPU RAM").choices(["float32", "uint8"]).default("float32"))
    .option("--no-kmodel", "k210: write the C program only, no model.kmodel (without it, a program kmodel v4 cannot express is an error)")
    .option("--no-in-place", "give every intermediate tensor bytes of its own (no output overwrites an input it outlives)");
}

/** The program to compile and the compile options, from the command line. */
export interface PreparedCompile {
  /** The model as imported (before quantization and the e-graph). */
  readonly imported: Graph;
  /** The program handed to `compileGraph`: imported, or quantized with --quantize. */
  readonly graph: Graph;
  /** The quantization (with --quantize and `keepQuantization`), for the report's per-layer error. */
  readonly ptq?: PtqResult;
  readonly options: CompileOptions;
  readonly sramBudget?: number;
}

/**
 * Checks the cheap options first (limits, user rules: they fail before the possibly long import and
 * quantization), then imports and quantizes. The K210 target quantises its KPU layers itself:
 * --calib feeds its lowering, not --quantize.
 */
export function prepareCompile(model: string, opts: CompileCliOptions, keepQuantization = false): PreparedCompile {
  const { limits, safetyNetSeconds } = parseLimitOptions(opts.limit);
  const extraRules = loadRuleFiles(opts.rules);
  if (opts.checkRules) requireSoundRules(extraRules);
  const sramBudget = opts.sramBudget === undefined ? undefined : parseBytes(opts.sramBudget);
  const loaded = load(model, opts);
  const calibration = opts.target === "k210" ? k210CalibrationFromOptions(loaded, opts) : undefined;
  const uint8Input = k210Uint8Input(opts.inputType, opts.target, opts);
  let graph: Graph;
  let ptq: PtqResult | undefined;
  if (opts.target === "k210") graph = loaded;
  else if (keepQuantization && opts.quantize !== undefined) {
    ptq = quantizeFromOptions(loaded, { ...opts, quantize: opts.quantize });
    graph = ptq.graph;
  } else graph = maybeQuantize(loaded, opts);
  const progress = progressLine(opts);
  return {
    imported: loaded,
    graph,
    ...(ptq === undefined ? {} : { ptq }),
    ...(sramBudget === undefined ? {} : { sramBudget }),
    options: {
      limits,
      ...(safetyNetSeconds === undefined ? {} : { safetyNetSeconds }),
      target: opts.target,
      sourceName: model,
      ...(calibration === undefined ? {} : { calibration }),
      optimize: opts.optimize,
      extraRules,
      extractor: opts.extractor,
      ...(sramBudget === undefined ? {} : { sramBudget }),
      inPlace: opts.inPlace,
      binaryFiles: opts.kmodel,
      ...(uint8Input === undefined ? {} : { uint8Input }),
      ...(progress === undefined ? {} : { onProgress: progress }),
    },
  };
}
