/**
 * `npm run bench:cortex-m`: the int8 MLPerf Tiny / TFLM models (and TFLM's SVDF keyword_scrambled) on Cortex-M4 (or `-- --target cortex-m7`) under QEMU
 * (mps2-an386, -icount shift=0): instructions per inference with the generic and the optimised
 * kernels (measured in the same run), MACs per instruction, flash and RAM, bit-exactness on every
 * golden pair, and the Spearman correlation between the cortex-m4 cost model's per-op predictions
 * and the measured per-op instructions over all kernel calls of all models. Then the networks of
 * bench/constructed-models.ts (shapes of MCU models not in ../shared), checked bit for bit against
 * the TypeScript evaluator, and MACs per instruction of every layer of >= 32K MACs (optimised).
 * `-- --constructed` measures the constructed networks only. On cortex-m4 it also prints the
 * egret-cycles plugin's estimated cycles per inference (`-- --wait-states N`, default 0) next to
 * X-CUBE-AI's cycles (bench/cortex-m-cycles.ts). Asserts nothing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatPerOpTable, opComparisons, spearman, type OpComparison } from "../src/cli/per-op-table.js";
import { egret, Tensor, type Graph } from "../src/index.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import type { Measurement, MeasureRequest } from "../src/pipeline/target.js";
import { benchCycles, cycleCells, formatOpCycles, waitStatesFromArgs } from "./cortex-m-cycles.js";
import { largeLayers, largeLayerTable, type LayerEfficiency } from "./cortex-m-layers.js";
import { anomalyDetectionAutoencoder, depthwiseStride1, depthwiseStride2, int8Input, streamingWakeWord } from "./constructed-models.js";
import { lstmKeywordSpotter } from "./constructed-lstm.js";
import { svdfKeywordStack } from "./constructed-svdf.js";

type KernelSet = MeasureRequest["kernels"];

const SHARED = join(PACKAGE_ROOT, "..", "shared");
/**
 * Anchors from issue 6: TFLite Micro on Cortex-M4 under QEMU, instructions per inference, and its
 * arena; `xcubeCycles`: X-CUBE-AI's cycles per inference on Cortex-M4 (issue 15's MLPerf Tiny anchors).
 */
const MODELS = [
  { golden: "kws_ref_model", path: "mlperf-tiny/kws/kws_ref_model.tflite", tflmRef: 42_199_960, tflmCmsis: 7_578_587, tflmArena: 22_772, xcubeCycles: 5_180_000 },
  { golden: "pretrainedResnet_quant", path: "mlperf-tiny/ic/pretrainedResnet_quant.tflite", tflmRef: 105_550_011, tflmCmsis: 29_784_338, tflmArena: 54_340, xcubeCycles: 19_800_000 },
  { golden: "person_detect", path: "tflm-models/person_detect.tflite", tflmRef: 95_138_459, tflmCmsis: 22_573_814, tflmArena: 82_292 },
  // SVDF with int16 state (issue 15's table: TFLM + CMSIS-NN figures; no reference-kernel count).
  { golden: "keyword_scrambled", path: "tflm-models/keyword_scrambled.tflite", tflmCmsis: 136_054, tflmArena: 13_332, stateful: true },
] as const;
/** Constructed networks; TFLM + CMSIS-NN figures from issue 15 where the real model has them. */
const CONSTRUCTED: readonly { name: string; build: () => Graph; tflmCmsis?: number; tflmArena?: number; stateful?: boolean }[] = [
  { name: "ad_autoencoder (int8 I/O)", build: anomalyDetectionAutoencoder, tflmCmsis: 583_241, tflmArena: 2_580 },
  { name: "depthwise 3x1/5x5/7x7 s1", build: depthwiseStride1 },
  { name: "depthwise 3x1/5x5/7x7 s2", build: depthwiseStride2 },
  // No TFLM figure: this network shares only the layer kinds and input shape of the real model.
  { name: "streaming wake word (shape-alike)", build: streamingWakeWord },
  { name: "SVDF stack 128-128-64 (int16 state)", build: svdfKeywordStack, stateful: true },
  { name: "LSTM 40-64 x 25 steps (int16 cell)", build: lstmKeywordSpotter, stateful: true },
];

interface BenchCase {
  readonly name: string;
  readonly graph: Graph;
  /** Input and expected output bytes; pair 0 is timed. */
  readonly pairs: readonly { input: Uint8Array; want: Uint8Array }[];
  readonly tflmRef?: number;
  readonly tflmCmsis?: number;
  readonly tflmArena?: number;
  readonly xcubeCycles?: number;
  /**
   * The model keeps state across runs (SVDF): the golden outputs are a fresh first run's, so pair 0
   * is also run once for them, and its timed run of INFERENCES + 1 inferences is checked against
   * the generic kernels' output after as many (measured before the optimised set).
   */
  readonly stateful?: boolean;
}
/** `--target cortex-m7` measures the M7 build instead (the anchors stay the M4's). */
const TARGET = targetFromArgs(process.argv);
/** N + 1 inferences per run: one inference = (T(N+1) - T(1)) / N, ±40/N instructions. */
const INFERENCES = 3;
/** Flash wait states of the cycle estimate (0: the MPS2's SSRAM; the NUCLEO-L4R5ZI at 120 MHz needs 5). */
const WAIT_STATES = waitStatesFromArgs(process.argv);

function targetFromArgs(argv: readonly string[]): string {
  const at = argv.indexOf("--target");
  const target = at < 0 ? "cortex-m4" : argv[at + 1];
  if (target === undefined || !target.startsWith("cortex-m") || !egret.kernelSets(target).includes("optimised")) {
    throw new Error(`bench:cortex-m --target: "${String(target)}" is not an Armv7E-M target with DSP kernels (cortex-m4, cortex-m7)`);
  }
  return target;
}

function main(): void {
  if (!existsSync(SHARED)) {
    console.log(`note: ${SHARED} is absent: nothing to measure`);
    return;
  }
  const perOp = process.argv.includes("--per-op");
  const sets: KernelSet[] = ["generic", "optimised"];
  console.log(`target ${TARGET} (QEMU); TFLM anchors are Cortex-M4 figures; cycle estimate (cortex-m4): egret-cycles plugin, ${WAIT_STATES} flash wait states, refill P = 2`);
  const started = Date.now();
  const all: Record<KernelSet, OpComparison[]> = { generic: [], optimised: [] };
  const header = ["model", "kernels", "instructions", "vs TFLM ref", "vs TFLM+CMSIS", "MACs/insn", "flash B", "weights B", "RAM B", "arena B", "stack B", "state B", "TFLM arena", "bit-exact", "est. cycles", "cyc/insn", "plugin-icount", "vs X-CUBE-AI"];
  const rows: string[][] = [];
  const layers: LayerEfficiency[] = [];
  // Optimised instructions / TFLM + CMSIS-NN of the corpus models (issue 15's geometric-mean target).
  const cmsisRatios: { name: string; ratio: number }[] = [];
  for (const model of benchCases()) {
    const macs = egret.describeGraph(model.graph).macs;
    const results = new Map<KernelSet, Measurement>();
    for (const kernels of sets) {
      const dir = mkdtempSync(join(tmpdir(), "egret-bench-cm-"));
      try {
        // Timing and per-op profile on pair 0; every other pair checks bit-exactness only.
        const [first, ...rest] = model.pairs;
        const request = { kernels, sourceName: model.name };
        const m = egret.measure(model.graph, TARGET, { ...request, dir, inputs: [first!.input], inferences: INFERENCES + 1, perOp: true });
        const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
        let exact = same(m.outputs[0]!, model.stateful === true ? (results.get("generic")?.outputs[0] ?? m.outputs[0]!) : first!.want) ? 1 : 0;
        if (model.stateful === true) {
          const once = egret.measure(model.graph, TARGET, { ...request, dir: join(dir, "first-run"), inputs: [first!.input], inferences: 1, perOp: false });
          if (!same(once.outputs[0]!, first!.want)) exact = 0;
        }
        rest.forEach((pair, k) => {
          const again = egret.measure(model.graph, TARGET, { ...request, dir: join(dir, `pair-${k + 1}`), inputs: [pair.input], inferences: 1, perOp: false });
          if (Buffer.compare(Buffer.from(again.outputs[0]!), Buffer.from(pair.want)) === 0) exact++;
        });
        results.set(kernels, m);
        // The per-op predictions are the target's own cost model's (the cortex-m4 model for every variant).
        const ops = opComparisons(m.perOp ?? []);
        all[kernels].push(...ops);
        if (kernels === "optimised") layers.push(...largeLayers(model.name, m.program, m.perOp ?? []));
        if (perOp) console.log(`\n${model.name}, ${kernels} kernels:\n${formatPerOpTable(ops)}`);
        // The plugin's own runs at WAIT_STATES, the profile build's only with --per-op (the
        // measurement's per-op instructions already come from a plugin run of it).
        const cycles = benchCycles(TARGET, dir, model.graph, first!.input, INFERENCES + 1, WAIT_STATES, perOp);
        if (perOp && cycles?.profile !== undefined) console.log(`egret-cycles per kernel call (${WAIT_STATES} wait states):\n${formatOpCycles((m.perOp ?? []).map((r) => `${r.node.op} ${r.node.name}`), cycles.profile)}`);
        const insns = m.instructionsPerInference;
        const vs = (anchor: number | undefined) => (anchor === undefined ? "-" : `${(insns / anchor).toFixed(3)}x`);
        if (kernels === "optimised" && model.tflmCmsis !== undefined && MODELS.some((c) => c.golden === model.name)) cmsisRatios.push({ name: model.name, ratio: insns / model.tflmCmsis });
        rows.push([
          model.name, kernels, Math.round(insns).toString(), vs(model.tflmRef), vs(model.tflmCmsis),
          (macs / insns).toFixed(3), String(m.size.flash.total), String(m.size.flash.weights), String(m.size.ram.total),
          String(m.size.ram.arena), String(m.size.ram.stack), String(m.size.ram.state), model.tflmArena === undefined ? "-" : String(model.tflmArena), `${exact}/${model.pairs.length}`, ...cycleCells(cycles?.run, model.xcubeCycles),
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const g = results.get("generic");
    const o = results.get("optimised");
    if (g && o) rows.push([model.name, "ratio", `${(g.instructionsPerInference / o.instructionsPerInference).toFixed(2)}x fewer`, "", "", "", "", "", "", "", "", "", "", ""]);
  }
  console.log(table(header, rows));
  for (const kernels of sets) {
    const ops = all[kernels];
    console.log(`Spearman(cortex-m4 predicted cycles, measured instructions), ${kernels} kernels: ${spearman(ops.map((r) => r.predicted), ops.map((r) => r.measured)).toFixed(3)} over ${ops.length} kernel calls`);
  }
  const both = [...all.generic, ...all.optimised];
  if (sets.length === 2) console.log(`Spearman over both kernel sets: ${spearman(both.map((r) => r.predicted), both.map((r) => r.measured)).toFixed(3)} over ${both.length} kernel calls`);
  if (cmsisRatios.length > 0) {
    const geomean = Math.exp(cmsisRatios.reduce((sum, r) => sum + Math.log(r.ratio), 0) / cmsisRatios.length);
    console.log(`Geometric mean of optimised / TFLM+CMSIS over ${cmsisRatios.map((r) => r.name).join(", ")}: ${geomean.toFixed(3)}x`);
  }
  const big = largeLayerTable(layers);
  console.log(`\nLayers of >= 32K MACs, optimised kernels (${big.below} of ${layers.length} below 0.6 MACs/instruction):\n${table(big.header, big.cells)}`);
  console.log(`bench:cortex-m finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The ../shared models with their golden pairs, then the constructed networks against the evaluator. */
function benchCases(): BenchCase[] {
  // `--constructed`: only the constructed networks (a quick look at the kernels' shapes).
  const corpus = process.argv.includes("--constructed") ? [] : MODELS;
  const cases: BenchCase[] = corpus.map((model) => {
    const multi = join(SHARED, "golden", model.golden, "multi");
    const read = (f: string) => new Uint8Array(readFileSync(join(multi, f)));
    const count = readdirSync(multi).filter((f) => /^input_\d+_0\.bin$/.test(f)).length;
    const pairs = Array.from({ length: count }, (_, k) => ({ input: read(`input_${k}_0.bin`), want: read(`output_${k}_0.bin`) }));
    return { ...model, name: model.golden, graph: egret.importModelFile(join(SHARED, "models", "tflite", model.path)), pairs };
  });
  for (const c of CONSTRUCTED) {
    const graph = c.build();
    const input = int8Input(graph, 7);
    const want = egret.runGraph(graph, [Tensor.fromBytes(graph.inputs[0]!.dtype, graph.inputs[0]!.shape, input)])[0]!.bytes();
    cases.push({ ...c, graph, pairs: [{ input, want }] });
  }
  return cases;
}

function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

main();
