/**
 * The kmodel file reader of the k210 plugin (K210-KPU.md §4): `egret info` describes kmodel v3/v4
 * files, `egret run` executes v4 files with the KPU simulator. Egret does not compile kmodels.
 */
import { basename } from "node:path";
import { fail } from "../../../src/errors.js";
import { Tensor } from "../../../src/ir/tensor.js";
import type { ModelFileReader } from "../../../src/pipeline/target.js";
import { isKmodel, parseKmodel, type Kmodel } from "./index.js";
import { runKmodelV4 } from "./run-v4.js";
import { layerGeometry, type KpuLayer } from "../kpu-layer.js";
import { mapLines } from "../kpu-ram.js";
import { cyclesByNode, estimateKmodelLatency, K210_CLOCK_HZ, LATENCY_CAVEAT } from "../latency.js";

export interface KmodelInfo {
  file: string;
  version: number;
  /** estUs: the node's estimated time (v4, latency.ts). */
  layers: { index: number; type: string; kpu: boolean; detail?: string; estUs?: number }[];
  /** v4: the latency estimate of latency.ts (an unvalidated cycle model at 400 MHz). */
  latency?: { totalMs: number; kpuMs: number; cpuMs: number };
  kpuLayers: number;
  cpuLayers: number;
  mainMemoryBytes: number;
  kpuRamBytes: number;
  weightBytes: number;
  fileBytes: number;
}

/** Header, layers with their types, KPU/CPU split and memory usage. */
export function describeKmodel(model: Kmodel, file: string): KmodelInfo {
  const layers: KmodelInfo["layers"] = [];
  let kpuTop = 0;
  let weightBytes = 0;
  let latency: KmodelInfo["latency"];
  const kpuDetail = (l: KpuLayer, batches = 1): string => {
    const g = layerGeometry(l.args);
    const inEnd = l.args.imageSrcAddr + batches * mapLines(g.inWidth, g.inHeight, g.inChannels);
    const outEnd = l.args.imageDstAddr + batches * mapLines(g.outWidth, g.outHeight, g.outChannels);
    kpuTop = Math.max(kpuTop, inEnd, outEnd);
    weightBytes += l.weights.byteLength + 8 * g.outChannels + 144;
    return `${g.kernel}x${g.kernel}${g.depthwise ? " dw" : ""} ${g.inChannels}x${g.inHeight}x${g.inWidth} -> ${g.outChannels}x${g.outHeight}x${g.outWidth} pool ${g.poolType}`;
  };
  if (model.version === 3) {
    for (const l of model.layers) layers.push({ index: l.index, type: l.name, kpu: l.kpu !== undefined, ...(l.kpu ? { detail: kpuDetail(l.kpu.layer) } : {}) });
  } else {
    const estimate = estimateKmodelLatency(model);
    const cycles = cyclesByNode(estimate);
    latency = { totalMs: round3(estimate.totalMs), kpuMs: round3(estimate.kpuMs), cpuMs: round3(estimate.cpuMs) };
    for (const n of model.nodes) {
      const k = n.body.kpu;
      const estUs = round3((1e6 * (cycles.get(n.index) ?? 0)) / K210_CLOCK_HZ);
      layers.push({ index: n.index, type: n.name, kpu: n.opcode >= 0x2000, ...(k ? { detail: kpuDetail(k.layer, k.batches) } : {}), estUs });
      weightBytes += Object.values(n.body.floats).reduce((s, a) => s + a.byteLength, 0);
    }
    weightBytes += model.constants.length;
  }
  const kpuLayers = layers.filter((l) => l.type === "K210_CONV" || l.type === "kpu_conv2d").length;
  return {
    file, version: model.version, layers, kpuLayers, cpuLayers: layers.length - layers.filter((l) => l.kpu).length,
    mainMemoryBytes: model.version === 3 ? model.mainMemUsage : model.mainMem,
    // v3's allocator grows down from the top (max_start_address is the lowest line used).
    kpuRamBytes: model.version === 3 ? (32768 - Math.min(32768, model.maxStartAddress)) * 64 : kpuTop * 64,
    weightBytes, fileBytes: model.fileSize,
    ...(latency ? { latency } : {}),
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function formatKmodelInfo(info: KmodelInfo): string {
  const lines = [
    `${info.file}: kmodel v${info.version}, ${info.layers.length} layers (${info.kpuLayers} KPU conv, ${info.cpuLayers} CPU), ${info.fileBytes} bytes`,
    `memory: main RAM ${info.mainMemoryBytes} bytes, KPU RAM ${info.kpuRamBytes} bytes, weights/params ${info.weightBytes} bytes`,
  ];
  const t = info.latency;
  if (t) lines.push(`estimated latency ${t.totalMs} ms at 400 MHz (KPU ${t.kpuMs} ms, CPU ${t.cpuMs} ms; ${LATENCY_CAVEAT})`);
  for (const l of info.layers) {
    const est = l.estUs === undefined ? "" : `  ~${l.estUs} µs`;
    lines.push(`  ${String(l.index).padStart(3)} ${l.kpu ? "KPU" : "CPU"} ${l.type}${l.detail ? `  ${l.detail}` : ""}${est}`);
  }
  return lines.join("\n");
}

/** Runs a kmodel v4 on raw inputs (uint8 or float32 tensors, in model input order). */
export function runKmodel(bytes: Uint8Array, file: string, inputs: readonly Tensor[]): Array<{ name: string; tensor: Tensor }> {
  const model = parseKmodel(bytes, file);
  if (model.version !== 4) fail("unsupported-op", file, "egret run executes kmodel v4 files; this is v3 (use egret info to inspect it)");
  const outs = runKmodelV4(model, inputs.map((t) => t.bytes()), file);
  return outs.map((raw, i) => {
    const r = model.outputs[i]!;
    const tensor = r.datatype === "float32" ? Tensor.fromBytes("float32", [r.size / 4], raw) : Tensor.fromBytes("uint8", [r.size], raw);
    return { name: `output${i}`, tensor };
  });
}

/** The k210 plugin's reader of compiled kmodel files. */
export const KMODEL_READER: ModelFileReader = {
  format: "kmodel",
  extensions: ["kmodel"],
  detect: isKmodel,
  signature: "u32 3 with arch 0 for v3, 'KMDL' for v4",
  notCompilable: "is a compiled K210 kmodel, not a model to compile: `egret info` and `egret run` read kmodels",
  describe(bytes, file) {
    const info = describeKmodel(parseKmodel(bytes, file), basename(file));
    return { text: formatKmodelInfo(info), json: info };
  },
  run: runKmodel,
};
