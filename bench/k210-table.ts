/**
 * `npm run bench:k210`: Egret's k210 output against nncase v0.2's kmodel for the same source model
 * (../shared/models/kmodel/v4): KPU layers, CPU layers, share of MACs on the KPU, KPU RAM, main RAM
 * and file size. Both files are read with the same reader (backends/k210/kmodel) and measured the
 * same way, so the columns compare like with like. Egret calibrates with seeded random inputs
 * (nncase used the example's image set), which changes quantisation, not the layer split.
 * Prints a markdown table; asserts nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandomInputs } from "../backends/k210/calibrate.js";
import { layerGeometry } from "../backends/k210/kpu-layer.js";
import { describeKmodel } from "../backends/k210/kmodel/describe.js";
import { egret } from "../src/index.js";
import { parseKmodel, type Kmodel } from "../backends/k210/kmodel/index.js";
import { PACKAGE_ROOT } from "../src/paths.js";

const SHARED = join(PACKAGE_ROOT, "..", "shared");
const MODELS = [
  { name: "iris", source: "models/kmodel/source/iris.tflite", nncase: "models/kmodel/v4/iris.kmodel" },
  { name: "ulffd_landmark", source: "models/kmodel/source/ulffd_landmark.tflite", nncase: "models/kmodel/v4/ulffd_landmark.kmodel" },
  { name: "slim-320", source: "models/kmodel/source/slim-320.caffemodel", nncase: "models/kmodel/v4/slim-320.kmodel" },
] as const;

interface Row {
  readonly kpuLayers: number;
  readonly cpuLayers: number;
  readonly kpuMacShare: number;
  readonly kpuRam: number;
  readonly mainRam: number;
  readonly fileBytes: number;
}

/** MACs of the KPU convs and of the CPU convs/matmuls of a v4 kmodel. */
function macSplit(model: Kmodel): { kpu: number; cpu: number } {
  let kpu = 0;
  let cpu = 0;
  if (model.version !== 4) return { kpu, cpu };
  for (const node of model.nodes) {
    const b = node.body;
    const a = b.attrs as Record<string, number & number[]>;
    if (b.kpu !== undefined) {
      const g = layerGeometry(b.kpu.layer.args);
      kpu += b.kpu.batches * g.inHeight * g.inWidth * g.outChannels * g.kernel * g.kernel * (g.depthwise ? 1 : g.inChannels);
    } else if (node.name === "conv2d") {
      const outElements = b.outputs[0]!.size / 4;
      cpu += outElements * ((a.in_shape?.[1] ?? 0) / a.groups!) * a.filter_h! * a.filter_w!;
    } else if (node.name === "matmul") {
      cpu += a.a_rows! * a.a_cols! * a.b_cols!;
    }
  }
  return { kpu, cpu };
}

function rowOf(model: Kmodel, file: string): Row {
  const info = describeKmodel(model, file);
  const macs = macSplit(model);
  const total = macs.kpu + macs.cpu;
  return {
    kpuLayers: info.kpuLayers,
    // Data movement to the KPU (kpu_upload) is neither a KPU conv nor CPU compute: counted apart.
    cpuLayers: info.cpuLayers,
    kpuMacShare: total === 0 ? 0 : macs.kpu / total,
    kpuRam: info.kpuRamBytes,
    mainRam: info.mainMemoryBytes,
    fileBytes: info.fileBytes,
  };
}

function egretKmodel(sourcePath: string): Kmodel {
  const graph = egret.importModelFile(sourcePath);
  // The k210 rules and cost model choose the KPU layers (extraction), then the target quantises them.
  const result = egret.compile(graph, { target: "k210", calibration: seededRandomInputs(graph, 1, 7), sourceName: sourcePath });
  const bytes = result.binaryFiles.get("model.kmodel");
  if (bytes === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("; ") || "no model.kmodel written");
  return parseKmodel(bytes, "egret.kmodel");
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const cells = (r: Row) => [r.kpuLayers, r.cpuLayers, pct(r.kpuMacShare), r.kpuRam, r.mainRam, r.fileBytes].map(String);

function main(): void {
  if (!existsSync(SHARED)) {
    console.error(`bench:k210 needs ../shared next to the repository (looked for ${SHARED})`);
    process.exit(1);
  }
  const lines = [
    "| model | compiler | KPU layers | CPU layers | MACs on KPU | KPU RAM (B) | main RAM (B) | file (B) |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const m of MODELS) {
    const nncasePath = join(SHARED, m.nncase);
    lines.push(`| ${m.name} | nncase v0.2 | ${cells(rowOf(parseKmodel(new Uint8Array(readFileSync(nncasePath)), nncasePath), m.nncase)).join(" | ")} |`);
    try {
      lines.push(`| ${m.name} | Egret | ${cells(rowOf(egretKmodel(join(SHARED, m.source)), m.name)).join(" | ")} |`);
    } catch (e) {
      lines.push(`| ${m.name} | Egret | failed: ${(e as Error).message.replace(/\|/g, "/").slice(0, 200)} | | | | | |`);
    }
  }
  console.log(lines.join("\n"));
  console.log("\nCPU layers: kmodel nodes that are not KPU ops (kpu_upload counts as KPU data movement).");
}

main();
