import type { Graph } from "../ir/graph.js";

/** How `egret eval` judges an output: class scores get top-1 figures, everything gets SQNR, cosine, max error. */
export type OutputKind = "classes" | "regression";
export const OUTPUT_KINDS = ["auto", "classes", "regression"] as const;
export type OutputKindOption = (typeof OUTPUT_KINDS)[number];

/** Ops whose output, one row of at least two values, is a distribution over classes. */
const CLASS_SCORE_OPS = new Set(["Softmax", "LogSoftmax"]);

/**
 * The kind of graph output `name` and why, for the report: class scores when told so
 * (`--output-kind classes`, or labels were given), or when the output is one row of at least two
 * values made by Softmax/LogSoftmax; otherwise regression (boxes, reconstructions, detector
 * score maps with many rows, logits nobody said were logits), where top-1 means nothing.
 */
export function outputKind(program: Graph, name: string, option: OutputKindOption, labelled: boolean): { kind: OutputKind; reason: string } {
  if (option !== "auto") return { kind: option, reason: `--output-kind ${option}` };
  if (labelled) return { kind: "classes", reason: "labels were given" };
  const shape = program.values.get(name)?.shape ?? [];
  const producer = program.nodes.find((n) => n.outputs.includes(name));
  const oneRow = shape.length >= 1 && shape[shape.length - 1]! >= 2 && shape.slice(0, -1).every((d) => d === 1);
  if (oneRow && producer && CLASS_SCORE_OPS.has(producer.op)) return { kind: "classes", reason: `one row of ${producer.op} scores` };
  const why = !oneRow ? `shape [${shape.join(",")}] is not one row of scores` : `made by ${producer?.op ?? "an input"}, not Softmax/LogSoftmax`;
  return { kind: "regression", reason: `${why}; --output-kind classes adds top-1` };
}
