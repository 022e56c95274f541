import type { Node, ValueInfo } from "../src/ir/graph.js";

/** A cost as named factors (cycles, bytesMoved, kernelCalls, codeBytes); absent factors are 0. */
export interface CostVector {
  readonly [factor: string]: number;
}

export interface CostModel {
  /** "host" | "cortex-m4" */
  readonly name: string;
  /** Cost of one node given its input/output types; children costs are added by extraction. */
  nodeCost(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[]): CostVector;
  /** Weights that collapse a vector to one number. */
  readonly weights: CostVector;
}

/** The factors every Egret cost model reports. */
export const FACTORS = ["cycles", "bytesMoved", "kernelCalls", "codeBytes"] as const;
export type Factor = (typeof FACTORS)[number];
