import type { Command } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cortexMVariant, measureOnTarget, type KernelSet, type TargetMeasurement } from "../../backends/cortex-m/measure.js";
import { compareWithCostModel, formatPerOpTable } from "../../backends/cortex-m/per-op.js";
import { findBackend } from "../../backends/index.js";
import { importModelFile } from "../importers/index.js";
import type { Graph } from "../ir/graph.js";
import { describeGraph } from "./info.js";
import { clearProgress, progressLine } from "./progress.js";
import { readModelInputs } from "./run-target.js";

const collect = (value: string, previous: string[]) => [...previous, value];

/** Deterministic stand-in inputs: xorshift32 bytes (instruction counts barely depend on values). */
export function pseudoRandomInputs(graph: Graph): Uint8Array[] {
  return graph.inputs.map((input, index) => {
    const bytes = new Uint8Array(input.shape.reduce((a, b) => a * b, 1) * (input.dtype === "float32" || input.dtype === "int32" ? 4 : input.dtype === "int16" ? 2 : 1));
    let x = (0x1234567 + index) >>> 0;
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      bytes[i] = x & 0xff;
    }
    if (input.dtype === "float32") {
      const f = new Float32Array(bytes.buffer);
      for (let i = 0; i < f.length; i++) f[i] = ((bytes[i * 4]! / 255) * 2 - 1);
    }
    return bytes;
  });
}

/** `egret bench MODEL --target cortex-m4 [--per-op]`: instructions, size and (per op) cost-model comparison under QEMU. */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("measure a model on a Cortex-M target under QEMU: instructions per inference (generic and optimised kernels), flash, RAM; --per-op adds the per-kernel table")
    .argument("<model>", "model file")
    .requiredOption("--target <target>", "cortex-m4, cortex-m7 or cortex-m0plus")
    .option("--input <file.npy>", "input tensors (default: deterministic pseudo-random data)", collect, [] as string[])
    .option("--per-op", "profile each kernel call and print it next to the cost model's prediction")
    .option("--json", "print machine-readable JSON")
    .option("--quiet", "no progress line on the terminal")
    .action((modelFile: string, opts: { target: string; input: string[]; perOp?: boolean; json?: boolean; quiet?: boolean }) => {
      const progress = progressLine(opts);
      const variant = cortexMVariant(opts.target);
      const graph = importModelFile(modelFile);
      const inputs = opts.input.length === 0 ? pseudoRandomInputs(graph) : readModelInputs(graph, opts.input);
      const hasRules = (findBackend(variant.name)?.ruleFiles ?? []).length > 0;
      const sets: KernelSet[] = hasRules ? ["generic", "optimised"] : ["generic"];
      const macs = describeGraph(graph).macs;
      const results: TargetMeasurement[] = [];
      for (const kernels of sets) {
        const dir = mkdtempSync(join(tmpdir(), "egret-bench-"));
        try {
          results.push(measureOnTarget(graph, { target: variant.name, kernels, inputs, dir, sourceName: modelFile, perOp: opts.perOp === true, ...(progress === undefined ? {} : { onProgress: progress }) }));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      clearProgress();
      const rows = results.map((m) => ({
        kernels: m.kernels,
        instructions: m.run.instructionsPerInference,
        macsPerInstruction: macs / m.run.instructionsPerInference,
        size: m.size,
        ...(m.ops === undefined ? {} : { perOp: compareWithCostModel(m.program, m.ops, variant.costModel) }),
      }));
      if (opts.json) {
        console.log(JSON.stringify({ model: modelFile, target: variant.name, machine: variant.machine, macs, results: rows }, null, 2));
        return;
      }
      console.log(`${modelFile} on ${variant.name} (QEMU ${variant.machine}, -icount shift=0), ${macs} MACs${hasRules ? "" : "; no target rules: generic kernels only"}`);
      for (const r of rows) {
        console.log(`${r.kernels.padEnd(9)} ${Math.round(r.instructions)} instructions/inference, ${r.macsPerInstruction.toFixed(3)} MACs/instruction, flash ${r.size.flash.total} B (weights ${r.size.flash.weights}), RAM ${r.size.ram.total} B (arena ${r.size.ram.arena} + stack ${r.size.ram.stack} + state ${r.size.ram.state} + other statics ${r.size.ram.otherStatic})`);
        if (r.perOp !== undefined) console.log(formatPerOpTable(r.perOp));
      }
      if (rows.length === 2) console.log(`generic / optimised = ${(rows[0]!.instructions / rows[1]!.instructions).toFixed(2)}x`);
    });
}
