import { Option, type Command } from "commander";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import { readFileWithin } from "../io/read-file.js";
import { evaluateQuantized, formatEvalReport } from "../quantize/evaluate.js";
import { OUTPUT_KINDS, type OutputKindOption } from "../quantize/output-kind.js";
import type { QuantizeDType } from "../quantize/ptq.js";
import { addLoadOptions, loadModel, MODEL_ARGUMENT, type LoadOptions } from "./load-options.js";
import { printDiagnostics } from "./print.js";
import { clearProgress, progressLine } from "./progress.js";
import { addQuantizeOptions, quantizeOptionsFrom, readSamples, exportScheme, type QuantizeCliOptions } from "./quantize-options.js";

/**
 * `egret eval MODEL --quantize int8 --calib PATH --data PATH [--labels FILE] [--json]`: float vs
 * quantized program on the host (the integer evaluator, bit-exact with the generated C).
 */
export function registerEvalCommand(program: Command): void {
  const cmd = program
    .command("eval")
    .description("quantize a float model and compare it with the float model on data: per-layer SQNR and cosine (largest drop marked), per output SQNR, cosine and max error, top-1 agreement for class scores, accuracy with labels")
    .argument("<model>", `float ${MODEL_ARGUMENT}`);
  addLoadOptions(addQuantizeOptions(cmd, true))
    .requiredOption("--data <path>", "evaluation inputs (same formats as --calib; never the calibration samples)")
    .option("--labels <file>", "class labels of the evaluation samples: integers separated by commas, spaces or newlines")
    .addOption(new Option("--output-kind <kind>", "metrics per output: auto (class scores for one row of Softmax/LogSoftmax output or with --labels, else regression), classes or regression").choices([...OUTPUT_KINDS]).default("auto"))
    .option("--json", "print machine-readable JSON")
    .action((model: string, opts: LoadOptions & QuantizeCliOptions & { quantize: QuantizeDType; data: string; labels?: string; json?: boolean; outputKind: OutputKindOption }) => {
      const quantize = quantizeOptionsFrom(opts)!;
      const graph = loadModel(model, opts);
      const calibration = opts.calib === undefined ? undefined : readSamples(graph, opts.calib, opts);
      const progress = progressLine(opts);
      const { result: q, diagnostics } = egret.quantizeModel(graph, { quantize, ...(calibration === undefined ? {} : { calibration }), ...(progress === undefined ? {} : { onProgress: progress }) });
      clearProgress();
      printDiagnostics(diagnostics);
      exportScheme(opts, q);
      // --samples limits the calibration samples only; every --data sample is evaluated.
      const { samples: _calibrationLimit, outputKind, ...dataOpts } = opts;
      const samples = readSamples(graph, opts.data, dataOpts);
      const labels = opts.labels === undefined ? undefined : readLabels(opts.labels, samples.length);
      const report = evaluateQuantized(q, samples, { ...(labels ? { labels } : {}), outputKind });
      console.log(opts.json ? JSON.stringify(report, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) : formatEvalReport(report));
    });
}

function readLabels(path: string, count: number): number[] {
  const text = readFileWithin(path, `labels file ${path}`).toString("utf8");
  const labels = text.split(/[\s,]+/).filter((t) => t !== "").map(Number);
  if (labels.some((l) => !Number.isInteger(l))) fail("parse", `labels file ${path}`, "must hold whole-number class indices separated by commas, spaces or newlines");
  if (labels.length < count) fail("bad-shape", `labels file ${path}`, `has ${labels.length} labels for ${count} evaluation samples`);
  return labels.slice(0, count);
}
