import type { Command } from "commander";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import type { Graph } from "../ir/graph.js";
import { Tensor } from "../ir/tensor.js";
import { readNpy, writeNpy } from "../io/npy.js";
import type { Measurement, MeasureRequest } from "../pipeline/target.js";
import { seededUint32 } from "../util/prng.js";
import { parseBytes } from "./compile-options.js";
import { addLoadOptions, loadModel, MODEL_ARGUMENT, type LoadOptions } from "./load-options.js";
import { formatPerOpTable, opComparisons } from "./per-op-table.js";
import { clearProgress, progressLine } from "./progress.js";

const collect = (value: string, previous: string[]) => [...previous, value];
const measurableTargets = () => egret.toolchain.targets.filter((t) => t.measurement !== undefined).map((t) => t.name);

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

/** Deterministic stand-in inputs (src/util/prng.ts; instruction counts barely depend on values). */
export function pseudoRandomInputs(graph: Graph): Uint8Array[] {
  return graph.inputs.map((input, index) => {
    const next = seededUint32(0x1234567 + index);
    const bytes = new Uint8Array(input.shape.reduce((a, b) => a * b, 1) * (input.dtype === "float32" || input.dtype === "int32" ? 4 : input.dtype === "int16" ? 2 : 1));
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
    if (input.dtype === "float32") {
      const f = new Float32Array(bytes.buffer);
      for (let i = 0; i < f.length; i++) f[i] = ((bytes[i * 4]! / 255) * 2 - 1);
    }
    return bytes;
  });
}

/** Runs `measure` in `dir`, or in a temporary folder removed afterwards. */
function inBuildDir<T>(dir: string | undefined, measure: (dir: string) => T): T {
  const work = dir ?? mkdtempSync(join(tmpdir(), "egret-target-"));
  try {
    return measure(work);
  } finally {
    if (dir === undefined) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `egret run-target` and `egret bench`: build a model for a target that can run it (its plugin's
 * measurement, e.g. a QEMU board), run it and count instructions.
 */
export function registerMeasureCommands(program: Command): void {
  addLoadOptions(
    program
      .command("run-target")
      .description("compile for a target that can run here (a simulator or emulator), run it and count instructions per inference")
      .argument("<model>", MODEL_ARGUMENT)
      .requiredOption("--target <target>", `one of ${measurableTargets().join(", ")}`)
      .requiredOption("--input <file.npy>", "an input tensor, in model input order (repeatable)", collect, [] as string[])
      .option("--output-dir <dir>", "where to write <output name>.npy files")
      .option("--build-dir <dir>", "keep the build here (default: a temporary folder, removed afterwards)")
      .option("--inferences <n>", "inferences per run; one inference = (T(N) - T(1)) / (N - 1)", "2")
      .option("--json", "print machine-readable JSON")
      .option("--quiet", "no progress line on the terminal"),
  ).action((modelFile: string, opts: LoadOptions & { target: string; input: string[]; outputDir?: string; buildDir?: string; inferences: string; json?: boolean; quiet?: boolean }) => {
    const progress = progressLine(opts);
    const graph = loadModel(modelFile, opts);
    const inputs = readModelInputs(graph, opts.input);
    const m = inBuildDir(opts.buildDir, (dir) => egret.measure(graph, opts.target, { kernels: "optimised", inputs, inferences: Number(opts.inferences), perOp: false, dir, sourceName: modelFile, ...(progress === undefined ? {} : { onProgress: progress }) }));
    clearProgress();
    const outputs = graph.outputs.map((o, i) => Tensor.fromBytes(o.dtype, o.shape, m.outputs[i]!));
    if (opts.outputDir !== undefined) {
      mkdirSync(opts.outputDir, { recursive: true });
      graph.outputs.forEach((o, i) => writeNpy(join(opts.outputDir!, `${o.name.replace(/[^A-Za-z0-9_.-]/g, "_")}.npy`), outputs[i]!));
    }
    if (opts.json) {
      console.log(JSON.stringify({ target: opts.target, machine: m.machine, instructionsPerInference: m.instructionsPerInference, firstInferenceInstructions: m.firstInferenceInstructions, inferences: m.inferences, size: m.size, outputs: graph.outputs.map((o, i) => ({ name: o.name, values: outputs[i]!.toNumbers().length <= 64 ? Array.from(outputs[i]!.toNumbers()) : undefined })) }, null, 2));
      return;
    }
    console.log(`${opts.target} on ${m.environment}: ${Math.round(m.instructionsPerInference)} instructions per inference (${m.inferences} inferences, counter resolution ${(40 / Math.max(1, m.inferences - 1)).toFixed(0)})`);
    console.log(`flash ${m.size.flash.total} B (text ${m.size.flash.text}, rodata ${m.size.flash.rodata}, weights ${m.size.flash.weights}); RAM arena ${m.size.ram.arena} B + stack ${m.size.ram.stack} B`);
    graph.outputs.forEach((o) => console.log(`${o.name}: ${o.dtype}[${o.shape.join("x")}]${opts.outputDir === undefined ? "" : ` -> ${opts.outputDir}`}`));
  });

  addLoadOptions(
    program
      .command("bench")
      .description("measure a model on a target that can run here: instructions per inference (generic and optimised kernels), flash, RAM; --per-op adds the per-kernel table")
      .argument("<model>", MODEL_ARGUMENT)
      .requiredOption("--target <target>", `one of ${measurableTargets().join(", ")}`)
      .option("--input <file.npy>", "input tensors (default: deterministic pseudo-random data)", collect, [] as string[])
      .option("--per-op", "profile each kernel call and print it next to the cost model's prediction (a patch chain: a row per layer)")
      .option("--sram-budget <bytes>", "largest arena: measure the cheapest program whose arena fits (as compile --sram-budget)")
      .option("--cycles", "also estimate cycles per inference (and per op with --per-op) from the executed instructions, where the target has a timing model")
      .option("--wait-states <n>", "flash wait states of the cycle estimate (default 0)")
      .option("--json", "print machine-readable JSON")
      .option("--quiet", "no progress line on the terminal"),
  ).action((modelFile: string, opts: BenchOptions) => benchAction(modelFile, opts));
}

type BenchOptions = LoadOptions & { target: string; input: string[]; perOp?: boolean; sramBudget?: string; cycles?: boolean; waitStates?: string; json?: boolean; quiet?: boolean };

/** `--cycles [--wait-states N]` as the measure request's field. */
function cycleRequest(opts: BenchOptions): Pick<MeasureRequest, "cycleEstimate"> {
  if (opts.cycles !== true) {
    if (opts.waitStates !== undefined) fail("bad-option", "option --wait-states", "applies to the cycle estimate: add --cycles");
    return {};
  }
  const waitStates = Number(opts.waitStates ?? "0");
  if (!Number.isInteger(waitStates) || waitStates < 0) fail("bad-option", "option --wait-states", `"${opts.waitStates}" must be a whole number >= 0`);
  return { cycleEstimate: { waitStates } };
}

function benchAction(modelFile: string, opts: BenchOptions): void {
  const progress = progressLine(opts);
  const sets = egret.kernelSets(opts.target);
  const graph = loadModel(modelFile, opts);
  const inputs = opts.input.length === 0 ? pseudoRandomInputs(graph) : readModelInputs(graph, opts.input);
  const macs = egret.describeGraph(graph).macs;
  const budget = { ...(opts.sramBudget === undefined ? {} : { sramBudget: parseBytes(opts.sramBudget) }), ...cycleRequest(opts) };
  const results: Array<{ kernels: MeasureRequest["kernels"]; m: Measurement }> = sets.map((kernels) => ({
    kernels,
    m: inBuildDir(undefined, (dir) => egret.measure(graph, opts.target, { kernels, inputs, inferences: 2, dir, sourceName: modelFile, perOp: opts.perOp === true, ...budget, ...(progress === undefined ? {} : { onProgress: progress }) })),
  }));
  clearProgress();
  const rows = results.map(({ kernels, m }) => ({
    kernels,
    instructions: m.instructionsPerInference,
    macsPerInstruction: macs / m.instructionsPerInference,
    size: m.size,
    ...(m.perOp === undefined ? {} : { perOp: opComparisons(m.perOp) }),
    ...(m.estimatedCycles === undefined ? {} : { estimatedCycles: m.estimatedCycles }),
  }));
  const first = results[0]!.m;
  if (opts.json) {
    console.log(JSON.stringify({ model: modelFile, target: opts.target, machine: first.machine, macs, results: rows }, null, 2));
    return;
  }
  console.log(`${modelFile} on ${opts.target} (${first.environment}), ${macs} MACs${sets.includes("optimised") ? "" : "; no target rules: generic kernels only"}`);
  for (const r of rows) {
    console.log(`${r.kernels.padEnd(9)} ${Math.round(r.instructions)} instructions/inference, ${r.macsPerInstruction.toFixed(3)} MACs/instruction, flash ${r.size.flash.total} B (weights ${r.size.flash.weights}), RAM ${r.size.ram.total} B (arena ${r.size.ram.arena} + stack ${r.size.ram.stack} + state ${r.size.ram.state} + other statics ${r.size.ram.otherStatic})`);
    if (r.estimatedCycles !== undefined) console.log(formatCycles(r.estimatedCycles));
    if (r.perOp !== undefined) console.log(formatPerOpTable(r.perOp));
  }
  if (rows.length === 2) console.log(`generic / optimised = ${(rows[0]!.instructions / rows[1]!.instructions).toFixed(2)}x`);
  if (opts.cycles === true && rows.every((r) => r.estimatedCycles === undefined)) console.log(`no cycle estimate: ${opts.target} has no timing model`);
}

function formatCycles(c: NonNullable<Measurement["estimatedCycles"]>): string {
  const perOp = c.perOp === undefined ? "" : `\n          estimated cycles per kernel call: ${c.perOp.map((v) => Math.round(v)).join(" ")}`;
  return `          ~${Math.round(c.perInference)} cycles/inference estimated (${c.waitStates} flash wait states; ${c.model}; its instruction count ${Math.round(c.instructionsPerInference)})${perOp}`;
}
