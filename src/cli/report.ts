import type { Command } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { egret } from "../index.js";
import { writeOutputDir } from "../output.js";
import type { CompileResult } from "../pipeline/compile.js";
import type { MeasuredSize } from "../pipeline/target.js";
import { evaluateQuantized } from "../quantize/evaluate.js";
import { collectReport, readProfile, renderReportHtml } from "../report/index.js";
import type { ReportInput } from "../report/index.js";
import { EGRET_VERSION } from "../version.js";
import { addCompileOptions, prepareCompile, type CompileCliOptions, type PreparedCompile } from "./compile-options.js";
import { MODEL_ARGUMENT } from "./load-options.js";
import { printDiagnostics } from "./print.js";
import { clearProgress } from "./progress.js";
import { readSamples } from "./quantize-options.js";
import { checkReportFile, writeReportFile } from "./report-file.js";

/** What the report adds to a compile's options: evaluation data and a measured profile. */
export interface ReportCliOptions {
  data?: string;
  profile?: string;
}

/**
 * `egret report MODEL [compile options] -o report.html`: compiles as `egret compile` would (nothing
 * is written but the page) and renders the HTML report.
 */
export function registerReportCommand(program: Command): void {
  addCompileOptions(program.command("report"))
    .description("compile a model and write one self-contained HTML page: program graph before/after, memory timeline, per-layer quantisation error, e-graph run, flash/RAM")
    .argument("<model>", MODEL_ARGUMENT)
    .requiredOption("-o, --output <file.html>", "the HTML file to write")
    .option("--data <path>", "evaluation inputs for the per-layer quantisation error (default: the --calib samples)")
    .option("--profile <file.json>", "measured instructions per kernel call, from `egret bench MODEL --target T --per-op --json`")
    .action((model: string, opts: CompileCliOptions & ReportCliOptions & { output: string }) => {
      checkReportFile(opts.output, "option -o/--output");
      const profile = opts.profile === undefined ? undefined : readProfile(opts.profile);
      const prepared = prepareCompile(model, opts);
      const result = egret.compile(prepared.imported, { ...prepared.options, reportBaseline: true });
      clearProgress();
      printDiagnostics(result.diagnostics);
      writeReportFile(opts.output, reportHtml(model, prepared, result, opts, profile === undefined ? {} : { profile }), "option -o/--output");
      console.log(`wrote ${opts.output}: arena ${result.summary.arenaBytes} bytes, ${result.graph.nodes.length} nodes`);
    });
}

/** The report page of one compile (`egret report`, `compile --report`). */
export function reportHtml(model: string, prepared: PreparedCompile, result: CompileResult, opts: CompileCliOptions & ReportCliOptions, extra: Pick<ReportInput, "profile">): string {
  const measuredSize = measureBuild(result);
  const input: ReportInput = {
    model,
    egretVersion: EGRET_VERSION,
    before: prepared.imported,
    result,
    costModel: egret.toolchain.target(result.summary.target).costModel,
    ops: egret.toolchain.ops,
    ...(measuredSize === undefined ? {} : { measuredSize }),
    ...(prepared.sramBudget === undefined ? {} : { sramBudget: prepared.sramBudget }),
    ...evaluation(result, opts),
    ...extra,
  };
  return renderReportHtml(collectReport(input));
}

/** Per-layer error of the quantized program on --data, or else on the calibration samples. */
function evaluation(result: CompileResult, opts: CompileCliOptions & ReportCliOptions): Pick<ReportInput, "evaluation"> {
  const q = result.quantization;
  const path = opts.data ?? opts.calib;
  if (q === undefined || path === undefined) return {};
  // --samples limits the calibration samples only; every --data sample is evaluated.
  const { samples: _calibrationLimit, ...dataOpts } = opts;
  const samples = readSamples(q.floatProgram, path, opts.data === undefined ? opts : dataOpts);
  const source = opts.data === undefined ? `the calibration samples of --calib ${opts.calib}; give --data for held-out ones` : `--data ${opts.data}`;
  return { evaluation: { report: evaluateQuantized(q, samples), source } };
}

/** Flash/RAM of a build of the compiled files (in a temporary folder), for targets that measure one. */
export function measureBuild(result: CompileResult): MeasuredSize | undefined {
  const measure = egret.toolchain.target(result.summary.target).sizeReport;
  if (measure === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "egret-report-"));
  try {
    const out = join(dir, "out");
    writeOutputDir(out, new Map<string, string | Uint8Array>([...result.files, ...result.binaryFiles]));
    return measure(out, result.summary.arenaBytes) as MeasuredSize;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
