/**
 * `npm run bench:cortex-m-float`: the float ONNX models that bench:host times from ../shared (>=
 * 100K MACs) and the float MLPerf Tiny IC ResNet-8 (TFLite) on Cortex-M4F and M7 under QEMU (-icount shift=0, hard-float builds): instructions
 * per inference with the generic kernels (the target's rules off) and the optimised ones (blocked
 * float kernels with VMLA.F32 inner loops), and per conv / FC layer of at least LAYER_MIN_MACS the
 * MACs per instruction of the optimised build (the profiling image's per-kernel counts). Each
 * optimised target output is compared byte for byte with the host build of the same program (gcc
 * -O2 -std=c99, so no contraction into fused multiply-adds on either side).
 * `-- --target cortex-m7` measures one target, `-- --filter TEXT` the models whose name contains
 * TEXT. Asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeTypes } from "../costmodels/index.js";
import { egret } from "../src/index.js";
import type { Graph } from "../src/ir/graph.js";
import { writeOutputDir } from "../src/output.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import type { Measurement } from "../src/pipeline/target.js";
import type { Tensor } from "../src/ir/tensor.js";
import { hostBenchModels, seededInput } from "./host-models.js";

/** The issue's layer threshold and goal: conv and FC layers of >= 32K MACs, >= 0.3 MACs/instruction. */
const LAYER_MIN_MACS = 32_768;
const GOAL = 0.3;
/** N inferences per run: one inference = (T(N) - T(1)) / (N - 1). */
const INFERENCES = 3;

/** Float TFLite models of ../shared measured too (onnxruntime cannot run them, so bench:host does not). */
const SHARED_TFLITE = [join("mlperf-tiny", "ic", "pretrainedResnet.tflite")];

interface BenchModel {
  readonly name: string;
  readonly graph: Graph;
  readonly macs: number;
  readonly inputs: readonly Tensor[];
}

function benchModels(filter: string): BenchModel[] {
  const models: BenchModel[] = hostBenchModels().models.filter((m) => m.name.startsWith("shared/"));
  for (const rel of SHARED_TFLITE) {
    const path = join(PACKAGE_ROOT, "..", "shared", "models", "tflite", rel);
    if (!existsSync(path)) continue;
    const graph = egret.importModelFile(path);
    models.push({ name: `shared/tflite/${rel}`, graph, macs: egret.describeGraph(graph).macs, inputs: graph.inputs.map((i, k) => seededInput(i.shape, 17 + k)) });
  }
  return models.filter((m) => m.name.includes(filter));
}

interface Layer {
  readonly model: string;
  readonly target: string;
  readonly node: string;
  readonly op: string;
  readonly macs: number;
  readonly instructions: number;
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** Conv and FC layers (op families conv and matmul) of the optimised build with their measured instructions. */
function macLayers(model: string, target: string, m: Measurement): Layer[] {
  return (m.perOp ?? []).flatMap(({ node, instructions }) => {
    const op = egret.toolchain.ops.get(node.op);
    if (op === undefined || (op.family !== "conv" && op.family !== "matmul")) return [];
    const { inputs, outputs } = nodeTypes(m.program, node);
    const macs = op.macs?.(node, inputs, outputs) ?? 0;
    return [{ model, target, node: node.name, op: node.op, macs, instructions }];
  });
}

/** The target's program built for the host (same kernels, no re-optimisation) with its Makefile's flags; raw output bytes. */
function hostOutputs(program: Graph, inputs: readonly Uint8Array[], dir: string): Uint8Array[] {
  const out = join(dir, "host");
  writeOutputDir(out, egret.compile(program, { optimize: false }).files);
  execFileSync("make", ["-s", "-C", out, "runner"], { stdio: ["ignore", "pipe", "pipe"] });
  const args = inputs.map((bytes, i) => {
    const p = join(dir, `host-in${i}.bin`);
    writeFileSync(p, bytes);
    return p;
  });
  const results = join(dir, "host-results");
  mkdirSync(results, { recursive: true });
  execFileSync(join(out, "runner"), [...args, results], { stdio: ["ignore", "pipe", "pipe"] });
  return program.outputs.map((_, i) => new Uint8Array(readFileSync(join(results, `${i}.bin`))));
}

function sameBytes(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => Buffer.compare(Buffer.from(x), Buffer.from(b[i]!)) === 0);
}

function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (v: readonly string[]) => v.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function measureModel(model: BenchModel, target: string, layers: Layer[]): string[] {
  const inputs = model.inputs.map((t) => t.bytes());
  const dir = mkdtempSync(join(tmpdir(), "egret-bench-cmf-"));
  try {
    const request = { inputs, inferences: INFERENCES, sourceName: model.name };
    const generic = egret.measure(model.graph, target, { ...request, kernels: "generic", perOp: false, dir: join(dir, "generic") });
    const optimised = egret.measure(model.graph, target, { ...request, kernels: "optimised", perOp: true, dir: join(dir, "optimised") });
    const exact = sameBytes(optimised.outputs, hostOutputs(optimised.program, inputs, dir));
    const own = macLayers(model.name, target, optimised);
    layers.push(...own);
    const big = own.filter((l) => l.macs >= LAYER_MIN_MACS);
    const worst = big.length === 0 ? Number.NaN : Math.min(...big.map((l) => l.macs / l.instructions));
    const g = generic.instructionsPerInference;
    const o = optimised.instructionsPerInference;
    return [
      model.name, target, String(model.macs), Math.round(g).toString(), Math.round(o).toString(), (g / o).toFixed(2),
      (model.macs / g).toFixed(3), (model.macs / o).toFixed(3), `${big.length}`, worst.toFixed(3),
      String(optimised.size.flash.total), String(optimised.size.ram.total), exact ? "yes" : "NO",
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const only = argValue("--target");
  const targets = only === undefined ? ["cortex-m4", "cortex-m7"] : [only];
  const filter = argValue("--filter") ?? "";
  const models = benchModels(filter);
  if (models.length === 0) {
    console.log("note: no shared float model to measure (../shared absent?)");
    return;
  }
  const rows: string[][] = [];
  const layers: Layer[] = [];
  for (const model of models) {
    for (const target of targets) {
      try {
        rows.push(measureModel(model, target, layers));
        process.stderr.write(`  measured ${model.name} on ${target}\n`);
      } catch (e) {
        console.log(`note: ${model.name} on ${target} not measured: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]!}`);
      }
    }
  }
  const header = ["model", "target", "MACs", "generic insns", "optimised insns", "gen/opt", "MACs/insn gen", "MACs/insn opt", `layers >= ${LAYER_MIN_MACS}`, "worst layer MACs/insn", "flash B", "RAM B", "host bit-identical"];
  console.log(table(header, rows));
  console.log(`\nconv / FC layers of the optimised builds with >= ${LAYER_MIN_MACS} MACs (profiling image, per kernel call):`);
  const big = layers.filter((l) => l.macs >= LAYER_MIN_MACS);
  console.log(table(["model", "target", "node", "op", "MACs", "instructions", "MACs/insn"], big.map((l) => [l.model, l.target, l.node, l.op, String(l.macs), Math.round(l.instructions).toString(), (l.macs / l.instructions).toFixed(3)])));
  for (const target of targets) {
    const own = big.filter((l) => l.target === target);
    const below = own.filter((l) => l.macs / l.instructions < GOAL);
    console.log(`${target}: ${own.length - below.length}/${own.length} layers reach ${GOAL} MACs/instruction${below.length === 0 ? "" : `; below: ${below.map((l) => `${l.model}:${l.node} ${(l.macs / l.instructions).toFixed(3)}`).join(", ")}`}`);
  }
}

main();
