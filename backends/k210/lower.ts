/**
 * K210 lowering: turns the extracted float program into KPU layers (`KpuConv2D`, carrying the
 * quantised layer) and CPU ops (everything else, unchanged float C kernels on the RV64 cores).
 * The KPU/CPU decision is extraction's (rules/targets/k210.rules offer `KpuConv2DCandidate`s, the
 * k210-kpu cost model prices them): this pass quantises the chosen candidates and nothing else.
 *
 * Each KPU layer takes its input from main memory and gives its output back (upload → layer →
 * download, §1.7): the input map sits at KPU line 0 and the output right after it, so a layer needs
 * exactly the KPU RAM of its two maps (checked by the legality rule). Chaining layers inside KPU
 * RAM (nncase's fold_kpu_upload, §5.3 step 10) is a later step of the target's lowering
 * (kpu-chain.ts), which re-places the maps of the layers it chains.
 */
import type { Graph, Node, ValueInfo } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";
import { readFusedActivation } from "../../src/ir/ops/fused-activation.js";
import { Tensor } from "../../src/ir/tensor.js";
import { calibrateRanges } from "./calibrate.js";
import { expandFcCandidates } from "./fc-expand.js";
import { expandDilatedConv } from "./kpu-dilation.js";
import { mapLines } from "./kpu-ram.js";
import { shareRangesThroughPools } from "./pool-ranges.js";
import { activationPieces, quantizeKpuConv, type QParams, type Range } from "./kpu-quantize.js";
import { kpuConvVerdict, type KpuConvGeometry } from "./legality.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";
import { KPU_CONV2D_CANDIDATE } from "./ops/kpu-conv2d-candidate.js";

/** Why a Conv stayed on the CPU (for reports and tests). */
export interface CpuFallback {
  readonly node: string;
  readonly reason: string;
}

export interface K210Lowering {
  readonly program: Graph;
  readonly kpuLayers: readonly string[];
  readonly fallbacks: readonly CpuFallback[];
}

export interface K210LowerOptions {
  /** Fixed input quantisation of the KPU layers reading these values (uint8 model inputs, uint8-input.ts). */
  readonly inputQuant?: ReadonlyMap<string, QParams>;
}

/**
 * Lowers with calibration `samples` (each: one tensor per graph input). Only the
 * `KpuConv2DCandidate` nodes extraction chose become KPU layers; a plain Conv stays on the CPU
 * (its reason recorded: not legal, or cheaper on the CPU under the k210-kpu cost model).
 */
export function lowerForK210(extracted: Graph, samples: readonly (readonly Tensor[])[], ops: OpRegistry, options: K210LowerOptions = {}): K210Lowering {
  // FC candidates become a 1×1 conv candidate on a padded 4×4 map first (fc-expand.ts).
  const { program, fallbacks: fcFallbacks } = expandFcCandidates(extracted);
  // Calibration runs the whole float program (candidates evaluate as their Conv): skip it when
  // extraction put nothing on the KPU.
  const anyCandidate = program.nodes.some((n) => n.op === KPU_CONV2D_CANDIDATE);
  // A pool the KPU layer will take keeps its input's range, so its reader chains (pool-ranges.ts).
  const ranges = anyCandidate ? shareRangesThroughPools(program, calibrateRanges(program, samples, ops)) : new Map<string, Range>();
  const fallbacks: CpuFallback[] = [...fcFallbacks];
  const kpuLayers: string[] = [];
  const expanded = new Map<string, ValueInfo>();
  const nodes: Node[] = program.nodes.flatMap((node): Node | Node[] => {
    if (node.op === "Conv") {
      fallbacks.push({ node: node.name, reason: cpuConvReason(node, program) });
      return node;
    }
    if (node.op !== KPU_CONV2D_CANDIDATE) return node;
    // The candidate's float Conv, what it falls back to if the re-checks below fail.
    const conv: Node = { ...node, op: "Conv" };
    const [xName, wName, bName] = node.inputs;
    const verdict = kpuConvVerdict(conv, program.values.get(xName!), program.values.get(wName!), program.values.get(node.outputs[0]!));
    if (!verdict.ok) {
      fallbacks.push({ node: node.name, reason: verdict.reason });
      return conv;
    }
    const weights = program.constants.get(wName!);
    if (weights === undefined) {
      fallbacks.push({ node: node.name, reason: "the weights are computed at run time" });
      return conv;
    }
    const bias = bName ? program.constants.get(bName) : undefined;
    if (bName && bias === undefined) {
      fallbacks.push({ node: node.name, reason: "the bias is computed at run time" });
      return conv;
    }
    const inRange = ranges.get(xName!) ?? fullRange;
    const outRange = ranges.get(node.outputs[0]!) ?? fullRange;
    const g = verdict.geometry;
    const inputQ = options.inputQuant?.get(xName!);
    if (g.dilation !== undefined) {
      // d² phase layers with the dilated conv's quantisation, between CPU copies (kpu-dilation.ts).
      const phases = expandDilatedConv(node, g.dilation, g.inChannels, g.outChannels, (name, input, output) => {
        kpuLayers.push(name);
        return kpuNode({ ...node, name, inputs: [input], outputs: [output] }, g, weights, bias, inRange, outRange, inputQ);
      });
      for (const [name, info] of phases.values) expanded.set(name, info);
      return phases.nodes;
    }
    kpuLayers.push(node.name);
    return kpuNode(node, g, weights, bias, inRange, outRange, inputQ);
  });
  const used = new Set(nodes.flatMap((n) => n.inputs));
  for (const o of program.outputs) used.add(o.name);
  const constants = new Map([...program.constants].filter(([name]) => used.has(name)));
  const values = new Map([...[...program.values].filter(([name]) => !program.constants.has(name) || constants.has(name)), ...expanded]);
  return { program: { ...program, nodes, constants, values }, kpuLayers, fallbacks };
}

/** Why an extracted plain Conv is on the CPU: the legality reason, or extraction's price comparison. */
function cpuConvReason(node: Node, program: Graph): string {
  const verdict = kpuConvVerdict(node, program.values.get(node.inputs[0]!), program.values.get(node.inputs[1]!), program.values.get(node.outputs[0]!));
  if (!verdict.ok) return verdict.reason;
  if (!program.constants.has(node.inputs[1]!)) return "the weights are computed at run time";
  return "extraction kept it on the CPU: the k210-kpu cost model prices the CPU conv below a KPU layer with its upload and download (or the program was not optimised)";
}

const fullRange: Range = { min: -6, max: 6 };

function kpuNode(node: Node, g: KpuConvGeometry, weights: Tensor, bias: Tensor | undefined, inRange: Range, outRange: Range, inputQ?: QParams): Node {
  const act = readFusedActivation(node);
  const pieces = activationPieces(act?.kind, act?.alpha ?? 0, act?.beta ?? 0);
  const q = quantizeKpuConv({ geometry: g, weightsOIHW: toOIHW(weights, g), bias: bias?.toNumbers() ?? new Float64Array(g.outChannels), pieces }, inRange, outRange, inputQ);
  const args = { ...q.layer.args, imageSrcAddr: 0, imageDstAddr: mapLines(g.inWidth, g.inHeight, g.inChannels) };
  const layerJson = JSON.stringify({ args, batchNorm: q.layer.batchNorm, activation: q.layer.activation });
  return {
    name: node.name,
    op: KPU_CONV2D,
    inputs: [node.inputs[0]!],
    outputs: [node.outputs[0]!],
    attrs: {
      layout: g.layout,
      kpu_layer: layerJson,
      kpu_weights: new Tensor("uint8", [q.layer.weights.length], q.layer.weights as Uint8Array),
      x_scale: q.input.scale,
      x_zero_point: q.input.zeroPoint,
      y_scale: q.output.scale,
      y_zero_point: q.output.zeroPoint,
      ...(g.subsample === undefined ? {} : { subsample: [g.subsample.stride, g.subsample.offsetY, g.subsample.offsetX, g.subsample.outHeight, g.subsample.outWidth] }),
    },
  };
}

/** OIHW (depthwise C×1×k×k) float weights from the conv's own layout (NHWC convs use OHWI). */
function toOIHW(w: Tensor, g: KpuConvGeometry): Float64Array {
  const v = w.toNumbers();
  if (g.layout === "NCHW") return v;
  const [o, kh, kw, i] = w.shape as [number, number, number, number];
  const out = new Float64Array(v.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let c = 0; c < i; c++) out[((a * i + c) * kh + y) * kw + x] = v[((a * kh + y) * kw + x) * i + c]!;
  return out;
}
