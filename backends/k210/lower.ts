/**
 * K210 lowering: partitions the extracted float program into KPU layers (`KpuConv2D`, carrying the
 * quantised layer) and CPU ops (everything else, unchanged float C kernels on the RV64 cores).
 *
 * Each KPU layer takes its input from main memory and gives its output back (upload → layer →
 * download, §1.7): the input map sits at KPU line 0 and the output right after it, so a layer needs
 * exactly the KPU RAM of its two maps (checked by the legality rule). Chaining layers inside KPU
 * RAM (nncase's fold_kpu_upload, §5.3 step 10) is not done yet.
 */
import type { Graph, Node } from "../../src/ir/graph.js";
import { readFusedActivation } from "../../src/ir/ops/fused-activation.js";
import { Tensor } from "../../src/ir/tensor.js";
import { calibrateRanges } from "./calibrate.js";
import { mapLines } from "./kpu-ram.js";
import { activationPieces, quantizeKpuConv, type Range } from "./kpu-quantize.js";
import { kpuConvVerdict, type KpuConvGeometry } from "./legality.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";

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

/** Lowers with calibration `samples` (each: one tensor per graph input). */
export function lowerForK210(program: Graph, samples: readonly (readonly Tensor[])[]): K210Lowering {
  // Calibration runs the whole float program: skip it when no conv can go to the KPU.
  const anyLegal = program.nodes.some((n) => n.op === "Conv" && kpuConvVerdict(n, program.values.get(n.inputs[0]!), program.values.get(n.inputs[1]!), program.values.get(n.outputs[0]!)).ok);
  const ranges = anyLegal ? calibrateRanges(program, samples) : new Map<string, Range>();
  const fallbacks: CpuFallback[] = [];
  const kpuLayers: string[] = [];
  const nodes: Node[] = program.nodes.map((node) => {
    if (node.op !== "Conv") return node;
    const [xName, wName, bName] = node.inputs;
    const verdict = kpuConvVerdict(node, program.values.get(xName!), program.values.get(wName!), program.values.get(node.outputs[0]!));
    if (!verdict.ok) {
      fallbacks.push({ node: node.name, reason: verdict.reason });
      return node;
    }
    const weights = program.constants.get(wName!);
    if (weights === undefined) {
      fallbacks.push({ node: node.name, reason: "the weights are computed at run time" });
      return node;
    }
    const bias = bName ? program.constants.get(bName) : undefined;
    if (bName && bias === undefined) {
      fallbacks.push({ node: node.name, reason: "the bias is computed at run time" });
      return node;
    }
    const inRange = ranges.get(xName!) ?? fullRange;
    const outRange = ranges.get(node.outputs[0]!) ?? fullRange;
    kpuLayers.push(node.name);
    return kpuNode(node, verdict.geometry, weights, bias, inRange, outRange);
  });
  const used = new Set(nodes.flatMap((n) => n.inputs));
  for (const o of program.outputs) used.add(o.name);
  const constants = new Map([...program.constants].filter(([name]) => used.has(name)));
  const values = new Map([...program.values].filter(([name]) => !program.constants.has(name) || constants.has(name)));
  return { program: { ...program, nodes, constants, values }, kpuLayers, fallbacks };
}

const fullRange: Range = { min: -6, max: 6 };

function kpuNode(node: Node, g: KpuConvGeometry, weights: Tensor, bias: Tensor | undefined, inRange: Range, outRange: Range): Node {
  const act = readFusedActivation(node);
  const pieces = activationPieces(act?.kind, act?.alpha ?? 0, act?.beta ?? 0);
  const q = quantizeKpuConv({ geometry: g, weightsOIHW: toOIHW(weights, g), bias: bias?.toNumbers() ?? new Float64Array(g.outChannels), pieces }, inRange, outRange);
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
