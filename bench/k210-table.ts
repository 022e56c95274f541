/**
 * `npm run bench:k210`: Egret's K210 kmodel against nncase v0.2's for the same network
 * (../shared/models/kmodel/v4), both read and measured by the same code (backends/k210/kmodel):
 * KPU convs, CPU layers, share of MACs on the KPU, main RAM (the file's main_mem: working memory),
 * KPU RAM, file size, and the latency estimate of backends/k210/latency.ts; then accuracy on
 * held-out images (Pearson r of each output against the float model on the same pixels) for both
 * kmodels, and the slim-320 latency beside nncase's measured 65.6 ms. For Egret it also prints the C
 * program's main RAM (arena + input/output buffers) as compiled, with consecutive KPU layers chained
 * in KPU RAM (backends/k210/kpu-chain.ts), and the same program layer by layer (every KPU layer
 * dequantising into main memory) as the baseline of the same run. Egret compiles with the
 * networks' calibration (bench/k210-networks.ts) and, for the image models, `--input-type uint8`.
 * Prints markdown; asserts nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { estimateKmodelLatency, NNCASE_SLIM_MEASURED_MS } from "../backends/k210/latency.js";
import { layerGeometry } from "../backends/k210/kpu-layer.js";
import { describeKmodel } from "../backends/k210/kmodel/describe.js";
import { egret, Tensor as TensorClass, type Tensor } from "../src/index.js";
import { kerasReady } from "../src/importers/keras/index.js";
import { parseKmodel, type KmodelV4 } from "../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../backends/k210/kmodel/run-v4.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import { emitModel } from "../src/emit/emit-model.js";
import { expandKpuChains } from "../backends/k210/kpu-chain.js";
import { K210_EMIT_OPTIONS } from "../backends/k210/target.js";
import { benchNetworks, type BenchNetwork } from "./k210-networks.js";

const SHARED = join(PACKAGE_ROOT, "..", "shared");
/** nncase's slim-320 on a KD233 board (models/kmodel/README.md). */
const NNCASE_SLIM_MS = NNCASE_SLIM_MEASURED_MS;

/** MACs of the KPU layers and of the CPU convs/matmuls of a v4 kmodel. */
function macSplit(model: KmodelV4): { kpu: number; cpu: number } {
  let kpu = 0, cpu = 0;
  for (const node of model.nodes) {
    const b = node.body;
    const a = b.attrs as Record<string, number & number[]>;
    if (b.kpu !== undefined) {
      const g = layerGeometry(b.kpu.layer.args);
      kpu += b.kpu.batches * g.inHeight * g.inWidth * g.outChannels * g.kernel * g.kernel * (g.depthwise ? 1 : g.inChannels);
    } else if (node.name === "conv2d") {
      cpu += (b.outputs[0]!.size / 4) * ((a.in_shape?.[1] ?? 0) / a.groups!) * a.filter_h! * a.filter_w!;
    } else if (node.name === "matmul") {
      cpu += a.a_rows! * a.a_cols! * a.b_cols!;
    }
  }
  return { kpu, cpu };
}

function cells(model: KmodelV4, file: string, c?: CProgramRam): string[] {
  const info = describeKmodel(model, file);
  const m = macSplit(model);
  const share = m.kpu + m.cpu === 0 ? 0 : m.kpu / (m.kpu + m.cpu);
  return [info.kpuLayers, info.cpuLayers, `${(100 * share).toFixed(1)} %`, info.mainMemoryBytes, info.kpuRamBytes, info.fileBytes, estimateKmodelLatency(model).totalMs.toFixed(1), c?.chained ?? "–", c?.layerByLayer ?? "–"].map(String);
}

function asV4(bytes: Uint8Array, file: string): KmodelV4 {
  const model = parseKmodel(bytes, file);
  if (model.version !== 4) throw new Error(`${file}: kmodel v4 expected`);
  return model;
}

/** Main RAM of Egret's C program (arena + inputs/outputs): as compiled (KPU layers chained in KPU RAM) and with every layer on its own. */
interface CProgramRam {
  readonly chained: number;
  readonly layerByLayer: number;
}

function egretKmodel(n: BenchNetwork): { kmodel: KmodelV4; c: CProgramRam } {
  const result = egret.compile(n.graph, { target: "k210", calibration: n.calibration, ...(n.uint8Input ? { targetOptions: { inputType: "uint8", mean: [0], std: [1] } } : {}) });
  const program = result.graph;
  // The baseline of the same run: the same program with each KPU layer dequantising into main memory.
  const layers = expandKpuChains(program);
  const io = result.summary.targetReport!["mainRamBytes"]! - result.summary.arenaBytes;
  const c = { chained: result.summary.targetReport!["mainRamBytes"]!, layerByLayer: emitModel(layers, { ops: egret.toolchain.ops, ...K210_EMIT_OPTIONS }).plan.arena.size + io };
  return { kmodel: asV4(result.binaryFiles.get("model.kmodel")!, `${n.name} (Egret)`), c };
}

/** A [0, 1] image tensor (NCHW or NHWC) as the planar uint8 pixels the kmodels take. */
function planarPixels(x: Tensor, nhwc: boolean): Uint8Array {
  const v = x.toNumbers();
  const [c, hw] = nhwc ? [x.shape[3]!, x.shape[1]! * x.shape[2]!] : [x.shape[1]!, x.shape[2]! * x.shape[3]!];
  const out = new Uint8Array(v.length);
  for (let j = 0; j < v.length; j++) out[nhwc ? (j % c) * hw + Math.floor(j / c) : j] = Math.round(v[j]! * 255);
  return out;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) { mx += x[i]!; my += y[i]!; }
  mx /= x.length; my /= y.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) { const a = x[i]! - mx, b = y[i]! - my; sxy += a * b; sxx += a * a; syy += b * b; }
  return sxy / Math.sqrt(sxx * syy);
}

/** r of each output of `model` on the held-out pixels against the float model on the same pixels. */
function accuracy(n: BenchNetwork, model: KmodelV4): string {
  const x = n.heldOut![0]!;
  const nhwc = x.shape[3] === 3;
  const pixels = planarPixels(x, nhwc);
  // The float model sees exactly the pixels the kmodels get (u/255).
  const exact = TensorClass.fromNumbers("float32", x.shape, Array.from(x.toNumbers(), (v) => Math.round(v * 255) / 255));
  const want = egret.runGraph(n.graph, [exact]);
  const got = runKmodelV4(model, [pixels]).map((b) => new Float32Array(b.slice().buffer));
  // Outputs are matched by size: nncase's files may list them in another order (slim-320 does).
  const unused = new Set(got.keys());
  return want.map((w) => {
    const i = [...unused].find((k) => got[k]!.length === w.size);
    if (i === undefined) return "n/a";
    unused.delete(i);
    return pearson(got[i]!, w.toNumbers()).toFixed(4);
  }).join(", ");
}

async function main(): Promise<void> {
  if (!existsSync(SHARED)) {
    console.error(`bench:k210 needs ../shared next to the repository (looked for ${SHARED})`);
    process.exit(1);
  }
  await kerasReady();
  const lines = [
    "| network | compiler | KPU convs | CPU layers | MACs on the KPU | main RAM (B) | KPU RAM (B) | file (B) | est. latency (ms) | C main RAM (B) | C main RAM, layer by layer (B) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const notes: string[] = [];
  for (const n of benchNetworks(SHARED)) {
    const theirs = n.nncase === undefined ? undefined : asV4(new Uint8Array(readFileSync(join(SHARED, n.nncase))), n.nncase);
    if (theirs !== undefined) lines.push(`| ${n.name} | nncase v0.2 | ${cells(theirs, n.name).join(" | ")} |`);
    let ours: KmodelV4 | undefined;
    try {
      const compiled = egretKmodel(n);
      ours = compiled.kmodel;
      lines.push(`| ${n.name} | Egret | ${cells(ours, n.name, compiled.c).join(" | ")} |`);
    } catch (e) {
      lines.push(`| ${n.name} | Egret | failed: ${(e as Error).message.replace(/\|/g, "/").slice(0, 200)} | | | | | | | | |`);
    }
    if (ours !== undefined && theirs !== undefined && n.heldOut !== undefined) {
      notes.push(`${n.name} accuracy on a held-out image (Pearson r per output vs the float model): Egret ${accuracy(n, ours)}; nncase ${accuracy(n, theirs)}`);
    }
    if (n.name === "slim-320" && ours !== undefined && theirs !== undefined) {
      const e = estimateKmodelLatency(ours), t = estimateKmodelLatency(theirs);
      notes.push(
        `slim-320 latency: Egret's kmodel estimated ${e.totalMs.toFixed(1)} ms (KPU ${e.kpuMs.toFixed(1)}, CPU ${e.cpuMs.toFixed(1)}); nncase's kmodel estimated ${t.totalMs.toFixed(1)} ms by the same model ` +
          `and measured ${NNCASE_SLIM_MS} ms on a KD233 (ratio ${(NNCASE_SLIM_MS / t.totalMs).toFixed(2)}); Egret scaled by that ratio: ${((e.totalMs * NNCASE_SLIM_MS) / t.totalMs).toFixed(1)} ms. ` +
          "Assumptions: KPU and CPU at 400 MHz, no overlap, cycle counts of backends/k210/latency.ts (unvalidated).",
      );
    }
  }
  console.log(lines.join("\n"));
  console.log("\nKPU convs: kpu_conv2d nodes; CPU layers: the other nodes except kpu_upload; main RAM: the file's main_mem. C main RAM: the C program's arena + input/output buffers (a uint8 frame placed in KPU RAM, model_kpu.h, not counted), as compiled (consecutive KPU layers chained in KPU RAM) and, measured in the same run, with every KPU layer dequantising into main memory.");
  for (const note of notes) console.log(`\n${note}`);
}

await main();
