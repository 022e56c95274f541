/**
 * `egret info` and `egret run` for kmodel files (K210-KPU.md §4): the info/run actions in main.ts
 * hand kmodels to these functions.
 */
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fail } from "../errors.js";
import { isKmodel, parseKmodel, type Kmodel } from "../importers/kmodel/index.js";
import { runKmodelV4 } from "../importers/kmodel/run-v4.js";
import { layerGeometry } from "../../backends/k210/kpu-layer.js";
import { mapLines } from "../../backends/k210/kpu-ram.js";
import { readNpy, writeNpy } from "../io/npy.js";
import { readFileHead, readFileWithin } from "../io/read-file.js";
import { Tensor } from "../ir/tensor.js";

export function isKmodelFile(path: string): boolean {
  try {
    return isKmodel(new Uint8Array(readFileHead(path, 12)));
  } catch {
    return false;
  }
}

export interface KmodelInfo {
  file: string;
  version: number;
  layers: { index: number; type: string; kpu: boolean; detail?: string }[];
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
  const kpuDetail = (l: import("../../backends/k210/kpu-layer.js").KpuLayer, batches = 1): string => {
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
    for (const n of model.nodes) {
      const k = n.body.kpu;
      layers.push({ index: n.index, type: n.name, kpu: n.opcode >= 0x2000, ...(k ? { detail: kpuDetail(k.layer, k.batches) } : {}) });
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
  };
}

export function formatKmodelInfo(info: KmodelInfo): string {
  const lines = [
    `${info.file}: kmodel v${info.version}, ${info.layers.length} layers (${info.kpuLayers} KPU conv, ${info.cpuLayers} CPU), ${info.fileBytes} bytes`,
    `memory: main RAM ${info.mainMemoryBytes} bytes, KPU RAM ${info.kpuRamBytes} bytes, weights/params ${info.weightBytes} bytes`,
  ];
  for (const l of info.layers) lines.push(`  ${String(l.index).padStart(3)} ${l.kpu ? "KPU" : "CPU"} ${l.type}${l.detail ? `  ${l.detail}` : ""}`);
  return lines.join("\n");
}

export function printKmodelInfo(path: string, json: boolean): void {
  const info = describeKmodel(parseKmodel(new Uint8Array(readFileWithin(path, `kmodel ${path}`)), path), basename(path));
  console.log(json ? JSON.stringify(info, null, 2) : formatKmodelInfo(info));
}

/** `egret run FILE.kmodel --input x.npy`: inputs as uint8 or float32 .npy, outputs as .npy. */
export function runKmodelFile(path: string, inputs: string[], outputDir: string): void {
  const model = parseKmodel(new Uint8Array(readFileWithin(path, `kmodel ${path}`)), path);
  if (model.version !== 4) fail("unsupported-op", path, "egret run executes kmodel v4 files; this is v3 (use egret info to inspect it)");
  const data = inputs.map((p) => readNpy(p).bytes());
  const outs = runKmodelV4(model, data, path);
  mkdirSync(outputDir, { recursive: true });
  outs.forEach((bytes, i) => {
    const r = model.outputs[i]!;
    const t = r.datatype === "float32"
      ? Tensor.fromBytes("float32", [r.size / 4], bytes)
      : Tensor.fromBytes("uint8", [r.size], bytes);
    const file = join(outputDir, `output${i}.npy`);
    writeNpy(file, t);
    console.log(`output ${i}: ${r.datatype}[${t.shape.join("x")}] -> ${file}`);
  });
}
