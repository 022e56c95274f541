import type { Node, ValueInfo } from "../src/ir/graph.js";
import type { OpRegistry } from "../src/ir/registry.js";

/** A cost as named factors (cycles, bytesMoved, kernelCalls, codeBytes); absent factors are 0. */
export interface CostVector {
  readonly [factor: string]: number;
}

/**
 * A cost model is a value a target plugin provides (src/pipeline/target.ts); the optimizer takes
 * it as given, there is no list of models by name.
 */
export interface CostModel {
  /** For reports, e.g. "host". */
  readonly name: string;
  /**
   * Cost of one node given its input/output types; children costs are added by extraction.
   * `ops` is the compile's op registry (MACs, op families, aliasing).
   */
  nodeCost(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[], ops: OpRegistry): CostVector;
  /** Weights that collapse a vector to one number. */
  readonly weights: CostVector;
}

/** The factors every Egret cost model reports. */
export const FACTORS = ["cycles", "bytesMoved", "kernelCalls", "codeBytes"] as const;
export type Factor = (typeof FACTORS)[number];
