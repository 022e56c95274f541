/**
 * The K210 part of the compile summary (`egret compile --target k210`, text and `--json`): KPU and
 * CPU layers, the share of multiply-adds on the KPU, KPU RAM and main RAM of the C program, and the
 * kmodel's own figures when one was written.
 *
 * MACs: each op's own count, except an FC on the KPU, which counts the FC's K·N, not the 16·K·N of
 * the padded 4×4 map its layer computes (`fcLayerMacs`).
 *
 * Main RAM of the C program counts the working memory it needs at run time: the arena plus the
 * graph's input and output buffers (the caller's, but in the same 6 MiB). Weights and KPU
 * parameters are reported apart, as `weights` (they are constant data, nncase's kmodel keeps them
 * in the model image too, and its `main_mem` does not count them either).
 */
import type { EmittedModel } from "../../src/emit/emit-model.js";
import { DTYPES } from "../../src/ir/dtype.js";
import { isAliasNode } from "../../src/schedule/storage.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";
import type { TargetReport } from "../../src/pipeline/target.js";
import type { KmodelSummary } from "./kmodel/writer.js";
import { LATENCY_CAVEAT, type KmodelLatency } from "./latency.js";
import { attrString } from "../../src/ir/attrs.js";
import { KPU_FC_SIDE } from "./fc-legality.js";
import { layerGeometry } from "./kpu-layer.js";
import { KPU_CONV2D, kpuLayerOf } from "./ops/kpu-conv2d.js";
import { expandKpuChains } from "./kpu-chain.js";
import { framesInKpuRamBytes, placeKpuFrames } from "./kpu-frame.js";
import { kpuRamTopBytes } from "./kpu-resident-maps.js";

export interface K210ProgramFigures {
  readonly kpuLayers: number;
  readonly cpuLayers: number;
  readonly kpuMacs: number;
  readonly totalMacs: number;
  /** Highest KPU RAM byte a layer of the C program touches + 1. */
  readonly kpuRamBytes: number;
  /** Arena + graph inputs and outputs, except a uint8 frame input placed in KPU RAM (kpu-frame.ts). */
  readonly mainRamBytes: number;
  /** Float weights plus KPU registers, BN and activation tables and uint8 weights. */
  readonly weightsBytes: number;
}

function macsOf(program: Graph, node: Node, ops: OpRegistry): number {
  const op = ops.get(node.op);
  if (op?.macs === undefined) return 0;
  const outs = node.outputs.map((n) => program.values.get(n) ?? { dtype: "float32" as const, shape: [0] });
  return op.macs(node, node.inputs.map((n) => (n === "" ? undefined : program.values.get(n))), outs);
}

/** Bytes of the KPU layer parameters kept in main SRAM (registers, BN table, activation table, weights). */
export function kpuParameterBytes(node: Node): number {
  const layer = kpuLayerOf(node);
  return 96 + 8 * layer.batchNorm.length + 144 + layer.weights.length;
}

/**
 * An FC on the KPU (fc-expand.ts: a 1×1 layer on the K×4×4 map whose pixel (0, 0) a Slice takes
 * back) does the FC's K·N multiply-adds; the other 15 pixels of its map are padding. Undefined for
 * any other layer.
 */
function fcLayerMacs(program: Graph, node: Node): number | undefined {
  const g = layerGeometry(kpuLayerOf(node).args);
  if (g.kernel !== 1 || g.depthwise || g.inHeight !== KPU_FC_SIDE || g.inWidth !== KPU_FC_SIDE || attrString(node, "layout", "NCHW") !== "NCHW") return undefined;
  const readers = program.nodes.filter((n) => n.inputs.includes(node.outputs[0]!));
  const crop = readers.length === 1 && readers[0]!.op === "Slice" ? program.values.get(readers[0]!.outputs[0]!)?.shape : undefined;
  return crop?.join(",") === `1,${g.outChannels},1,1` ? g.inChannels * g.outChannels : undefined;
}

export function programFigures(model: EmittedModel, chained: Graph, ops: OpRegistry): K210ProgramFigures {
  // Layers counted one by one (a KpuConv2DChain is several KPU layers); main RAM is the emitted plan's.
  const program = expandKpuChains(chained);
  const outputs = new Set(program.outputs.map((o) => o.name));
  let kpuLayers = 0, cpuLayers = 0, kpuMacs = 0, totalMacs = 0, params = 0;
  for (const node of program.nodes) {
    if (isAliasNode(node, outputs, ops)) continue;
    const macs = (node.op === KPU_CONV2D ? fcLayerMacs(program, node) : undefined) ?? macsOf(program, node, ops);
    totalMacs += macs;
    if (node.op !== KPU_CONV2D) {
      cpuLayers++;
      continue;
    }
    kpuLayers++;
    kpuMacs += macs;
    params += kpuParameterBytes(node);
  }
  // The layers' maps and the maps kept in KPU RAM across their readers (kpu-resident-maps.ts).
  const kpuRamBytes = kpuRamTopBytes(chained);
  // A uint8 frame placed in KPU RAM (kpu-frame.ts) is not the caller's main memory.
  const io = [...program.inputs, ...program.outputs].reduce((sum, v) => sum + v.shape.reduce((a, b) => a * b, 1) * DTYPES[v.dtype].bytes, 0);
  return {
    kpuLayers, cpuLayers, kpuMacs, totalMacs,
    kpuRamBytes,
    mainRamBytes: model.plan.arena.size + io - framesInKpuRamBytes(placeKpuFrames(program, kpuRamBytes)),
    weightsBytes: model.weightBytes + params,
  };
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10);

const ms3 = (v: number) => Math.round(v * 1000) / 1000;

/** `latency`: the estimate of the written kmodel (latency.ts), with the kmodel's summary. */
export function k210Report(model: EmittedModel, program: Graph, kmodel: KmodelSummary | undefined, ops: OpRegistry, latency?: KmodelLatency): TargetReport {
  const f = programFigures(model, program, ops);
  const lines = [
    // The C program's memory is the closing hint's one memory line (target.ts runHint), not repeated here.
    `k210: ${f.kpuLayers} KPU layers, ${f.cpuLayers} CPU layers, ${percent(f.kpuMacs, f.totalMacs)} % of ${f.totalMacs} MACs on the KPU`,
    kmodel === undefined
      ? "k210: no model.kmodel (--no-kmodel)"
      : `k210: model.kmodel ${kmodel.fileBytes} bytes: ${kmodel.kpuLayers} KPU layers, ${kmodel.cpuNodes} CPU nodes, main RAM ${kmodel.mainMemBytes} bytes, KPU RAM ${kmodel.kpuRamBytes} bytes`,
  ];
  if (kmodel !== undefined && latency !== undefined) {
    lines.push(`k210: model.kmodel estimated ${ms3(latency.totalMs)} ms at 400 MHz (KPU ${ms3(latency.kpuMs)}, CPU ${ms3(latency.cpuMs)}; per layer: egret info model.kmodel; ${LATENCY_CAVEAT})`);
  }
  const figures: Record<string, number> = {
    kpuLayers: f.kpuLayers,
    cpuLayers: f.cpuLayers,
    kpuMacs: f.kpuMacs,
    totalMacs: f.totalMacs,
    kpuMacsPercent: percent(f.kpuMacs, f.totalMacs),
    mainRamBytes: f.mainRamBytes,
    kpuRamBytes: f.kpuRamBytes,
    ...(kmodel === undefined
      ? {}
      : { kmodelBytes: kmodel.fileBytes, kmodelKpuLayers: kmodel.kpuLayers, kmodelCpuNodes: kmodel.cpuNodes, kmodelMainRamBytes: kmodel.mainMemBytes, kmodelKpuRamBytes: kmodel.kpuRamBytes }),
    ...(kmodel === undefined || latency === undefined
      ? {}
      : { kmodelEstimatedMs: ms3(latency.totalMs), kmodelEstimatedKpuMs: ms3(latency.kpuMs), kmodelEstimatedCpuMs: ms3(latency.cpuMs) }),
  };
  return { weightsBytes: f.weightsBytes, figures, lines };
}
