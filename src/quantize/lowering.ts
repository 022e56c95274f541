import type { Node } from "../ir/graph.js";
import type { QuantContext } from "./context.js";
import type { WeightRounder } from "./weight-rounding.js";

export interface LoweringOptions {
  /** One weight scale per output channel (default) or one per tensor. */
  readonly perChannel: boolean;
  /** How weights become codes (nearest when absent). */
  readonly rounder?: WeightRounder;
}

/**
 * Rewrites one float node onto the integer ops, or returns why it cannot (before emitting
 * anything): the node then stays float between QDequantize and QQuantize.
 */
export type Lowering = (cx: QuantContext, node: Node, options: LoweringOptions) => string | undefined;
