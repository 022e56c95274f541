import type { Graph, Node } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";
import type { Sample } from "./calibrate.js";
import { gptqWeights } from "./gptq.js";
import { collectHessians, type LayerHessian } from "./hessian.js";
import { quantizeWeights, type QuantizedWeights } from "./params.js";

/** `--weight-rounding` values; the first is the default (docs/quantization.md). */
export const WEIGHT_ROUNDINGS = ["gptq", "nearest"] as const;
export type WeightRoundingName = (typeof WEIGHT_ROUNDINGS)[number];
export const DEFAULT_WEIGHT_ROUNDING: WeightRoundingName = "gptq";

/** Turns one layer's float weights into int8 codes and scales (the lowerings' only way to do it). */
export interface WeightRounder {
  /** `w` has one output row per index along `axis` (see quantizeWeights). */
  round(node: Node, w: Tensor, axis: number, perChannel: boolean): QuantizedWeights;
}

/** Each weight to its nearest code. */
export const nearestRounder: WeightRounder = { round: (_node, w, axis, perChannel) => quantizeWeights(w, axis, perChannel) };

/**
 * GPTQ for every layer with calibration statistics (collectHessians), nearest for the others.
 * Results are kept per node: mixed precision quantizes the same program many times, and the
 * weights' codes do not depend on the activation ranges.
 */
export class GptqRounder implements WeightRounder {
  private readonly done = new Map<string, QuantizedWeights>();

  constructor(private readonly hessians: ReadonlyMap<string, LayerHessian>) {}

  round(node: Node, w: Tensor, axis: number, perChannel: boolean): QuantizedWeights {
    const key = `${node.name}\u0000${axis}\u0000${perChannel}`;
    const known = this.done.get(key);
    if (known) return known;
    const h = this.hessians.get(node.name);
    const q = (h ? gptqWeights(w, axis, perChannel, h) : undefined) ?? quantizeWeights(w, axis, perChannel);
    this.done.set(key, q);
    return q;
  }
}

/** The rounder `name` asks for; GPTQ reads the calibration samples once (one float pass). */
export function weightRounder(name: WeightRoundingName, program: Graph, samples: readonly Sample[], ops: OpRegistry): WeightRounder {
  return name === "gptq" ? new GptqRounder(collectHessians(program, samples, ops)) : nearestRounder;
}
