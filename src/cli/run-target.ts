import type { Command } from "commander";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureOnTarget } from "../../backends/cortex-m/measure.js";
import { CORTEX_M_VARIANTS } from "../../backends/cortex-m/variants.js";
import { fail } from "../errors.js";
import { importModelFile } from "../importers/index.js";
import type { Graph } from "../ir/graph.js";
import { Tensor } from "../ir/tensor.js";
import { readNpy, writeNpy } from "../io/npy.js";
import { clearProgress, progressLine } from "./progress.js";

const collect = (value: string, previous: string[]) => [...previous, value];

/** The model's inputs from .npy files, checked against the model's dtypes and element counts. */
export function readModelInputs(graph: Graph, files: readonly string[]): Uint8Array[] {
  if (files.length !== graph.inputs.length) fail("bad-option", "option --input", `the model has ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(", ")}); got ${files.length} --input files`);
  return files.map((file, i) => {
    const want = graph.inputs[i]!;
    const t = readNpy(file);
    const count = want.shape.reduce((a, b) => a * b, 1);
    if (t.dtype !== want.dtype || t.size !== count) fail("bad-option", `--input ${file}`, `holds ${t.dtype}[${t.shape.join("x")}]; input "${want.name}" is ${want.dtype}[${want.shape.join("x")}]`);
    return t.bytes();
  });
}

/** `egret run-target MODEL --target cortex-m4 --input x.npy ...`: cross-build, run under QEMU, write outputs, count instructions. */
export function registerRunTargetCommand(program: Command): void {
  program
    .command("run-target")
    .description("compile for a Cortex-M target, run under qemu-system-arm and count instructions per inference")
    .argument("<model>", "model file")
    .requiredOption("--target <target>", `one of ${CORTEX_M_VARIANTS.map((v) => v.name).join(", ")}`)
    .requiredOption("--input <file.npy>", "an input tensor, in model input order (repeatable)", collect, [] as string[])
    .option("--output-dir <dir>", "where to write <output name>.npy files")
    .option("--build-dir <dir>", "keep the build here (default: a temporary folder, removed afterwards)")
    .option("--inferences <n>", "inferences per run; one inference = (T(N) - T(1)) / (N - 1)", "2")
    .option("--json", "print machine-readable JSON")
    .option("--quiet", "no progress line on the terminal")
    .action((modelFile: string, opts: { target: string; input: string[]; outputDir?: string; buildDir?: string; inferences: string; json?: boolean; quiet?: boolean }) => {
      const progress = progressLine(opts);
      const graph = importModelFile(modelFile);
      const inputs = readModelInputs(graph, opts.input);
      const dir = opts.buildDir ?? mkdtempSync(join(tmpdir(), "egret-target-"));
      try {
        const m = measureOnTarget(graph, { target: opts.target, inputs, inferences: Number(opts.inferences), dir, sourceName: modelFile, ...(progress === undefined ? {} : { onProgress: progress }) });
        clearProgress();
        const outputs = graph.outputs.map((o, i) => Tensor.fromBytes(o.dtype, o.shape, m.run.outputs[i]!));
        if (opts.outputDir !== undefined) {
          mkdirSync(opts.outputDir, { recursive: true });
          graph.outputs.forEach((o, i) => writeNpy(join(opts.outputDir!, `${o.name.replace(/[^A-Za-z0-9_.-]/g, "_")}.npy`), outputs[i]!));
        }
        if (opts.json) {
          console.log(JSON.stringify({ target: m.variant.name, machine: m.variant.machine, instructionsPerInference: m.run.instructionsPerInference, firstInferenceInstructions: m.run.firstInstructions, inferences: m.run.inferences, size: m.size, outputs: graph.outputs.map((o, i) => ({ name: o.name, values: outputs[i]!.toNumbers().length <= 64 ? Array.from(outputs[i]!.toNumbers()) : undefined })) }, null, 2));
        } else {
          console.log(`${m.variant.name} on QEMU ${m.variant.machine}: ${Math.round(m.run.instructionsPerInference)} instructions per inference (${m.run.inferences} inferences, counter resolution ${(40 / Math.max(1, m.run.inferences - 1)).toFixed(0)})`);
          console.log(`flash ${m.size.flash.total} B (text ${m.size.flash.text}, rodata ${m.size.flash.rodata}, weights ${m.size.flash.weights}); RAM arena ${m.size.ram.arena} B + stack ${m.size.ram.stack} B`);
          graph.outputs.forEach((o, i) => console.log(`${o.name}: ${o.dtype}[${o.shape.join("x")}]${opts.outputDir === undefined ? "" : ` -> ${opts.outputDir}`}`));
        }
      } finally {
        if (opts.buildDir === undefined) rmSync(dir, { recursive: true, force: true });
      }
    });
}
