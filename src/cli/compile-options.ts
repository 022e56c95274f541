import { Option, type Command } from "commander";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import type { Graph } from "../ir/graph.js";
import type { ExtractorName } from "../optimizer/optimize.js";
import type { CompileOptions } from "../pipeline/options.js";
import type { TargetOptionValues } from "../pipeline/target.js";
import { DEFAULT_TARGET } from "../pipeline/toolchain.js";
import { LIMIT_NAMES, parseLimitOptions } from "./limit-options.js";
import { addLoadOptions, loadModel, type LoadOptions } from "./load-options.js";
import { progressLine } from "./progress.js";
import { addQuantizeOptions, calibrationFrom, dataOptions, quantizeOptionsFrom, type QuantizeCliOptions } from "./quantize-options.js";

/** The options `egret compile` and `egret report` share: what to compile and how. */
export interface CompileCliOptions extends LoadOptions, QuantizeCliOptions {
  target: string;
  optimize: boolean;
  rules: string[];
  checkRules: boolean;
  extractor: ExtractorName;
  sramBudget?: string;
  inPlace: boolean;
  limit: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--sram-budget` value: whole bytes, optionally with a k/K (1024) suffix. */
export function parseBytes(text: string): number {
  const match = /^(\d+)([kK]?)$/.exec(text.trim());
  if (match === null) fail("bad-option", "option --sram-budget", `"${text}" is not a number of bytes (e.g. 65536 or 64k)`);
  return Number(match[1]) * (match[2] === "" ? 1 : 1024);
}

/** Adds the shared compile options, the target plugins' own options among them. */
export function addCompileOptions(cmd: Command): Command {
  const targets = egret.toolchain.targets;
  addQuantizeOptions(cmd)
    .addOption(new Option("--target <target>", `code generation target: ${targets.map((t) => `${t.name} (${t.description})`).join("; ")}`).choices(targets.map((t) => t.name)).default(DEFAULT_TARGET));
  addLoadOptions(cmd)
    .option("--no-optimize", "skip the e-graph optimizer (compile the imported graph as is)")
    .option("--rules <file.rules>", "add a user rule file to the shipped rules (repeatable); its rules must pass `egret rules check` first", collect, [] as string[])
    .option("--no-check-rules", "use --rules files without running the soundness checker on them first")
    .addOption(new Option("--extractor <name>", "extraction: dag counts shared sub-expressions once (step-limited, seeded with greedy)").choices(["dag", "greedy"]).default("dag"))
    .option("--limit <name=n>", `optimizer work limit (${LIMIT_NAMES.slice(0, -1).join(", ")}) or its wall-clock safety net in seconds (seconds=0: off), e.g. --limit iterations=20 (repeatable)`, collect, [] as string[])
    .option("--sram-budget <bytes>", "largest arena: pick the cheapest program whose arena fits, or fail with the smallest arena found")
    .option("--no-in-place", "give every intermediate tensor bytes of its own (no output overwrites an input it outlives)");
  for (const plugin of egret.toolchain.plugins) {
    for (const o of plugin.options ?? []) {
      const option = new Option(o.flags, o.description);
      if (o.choices !== undefined) option.choices([...o.choices]);
      // A negated flag's default (true) is commander's own.
      if (!o.flags.startsWith("--no-")) option.default(o.default);
      cmd.addOption(option);
    }
  }
  return cmd;
}

/**
 * The target plugins' option values as the command line gave them (by key), plus the calibration
 * data's --mean/--std for a target that folds them into its inputs.
 */
function targetOptionValues(opts: CompileCliOptions): TargetOptionValues {
  const given = new Map<string, unknown>(Object.entries(opts));
  const values: Record<string, string | boolean | readonly number[] | undefined> = {};
  for (const plugin of egret.toolchain.plugins) {
    for (const o of plugin.options ?? []) {
      const v = given.get(o.key);
      if (typeof v === "string" || typeof v === "boolean") values[o.key] = v;
    }
  }
  const { mean, std } = dataOptions(opts);
  return { ...values, ...(mean === undefined ? {} : { mean }), ...(std === undefined ? {} : { std }) };
}

/** The model as imported and the library's compile options, from the command line. */
export interface PreparedCompile {
  /** The model as imported (before quantization and the e-graph). */
  readonly imported: Graph;
  readonly options: CompileOptions;
  readonly sramBudget?: number;
}

/**
 * Checks the cheap options first (limits, user rules: they fail before the possibly long import),
 * then imports the model and reads the calibration data.
 */
export function prepareCompile(model: string, opts: CompileCliOptions & { json?: boolean }): PreparedCompile {
  const { limits, safetyNetSeconds } = parseLimitOptions(opts.limit);
  const userRules = egret.loadRules(opts.rules, opts.checkRules);
  const target = egret.toolchain.target(opts.target);
  const quantize = quantizeOptionsFrom(opts);
  const sramBudget = opts.sramBudget === undefined ? undefined : parseBytes(opts.sramBudget);
  const targetOptions = targetOptionValues(opts);
  const graph = loadModel(model, opts);
  const calibration = calibrationFrom(graph, opts, target);
  const progress = progressLine(opts);
  return {
    imported: graph,
    ...(sramBudget === undefined ? {} : { sramBudget }),
    options: {
      target: target.name,
      sourceName: model,
      optimize: opts.optimize,
      userRules,
      extractor: opts.extractor,
      limits,
      ...(safetyNetSeconds === undefined ? {} : { safetyNetSeconds }),
      ...(sramBudget === undefined ? {} : { sramBudget }),
      ...(quantize === undefined ? {} : { quantize }),
      ...(calibration === undefined ? {} : { calibration }),
      inPlace: opts.inPlace,
      targetOptions,
      ...(progress === undefined ? {} : { onProgress: progress }),
    },
  };
}
