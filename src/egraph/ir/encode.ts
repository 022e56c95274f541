import { canonicalAttrs, type ClassId } from "../enode.js";
import { EGraph } from "../egraph.js";
import type { Graph, ValueInfo } from "../../ir/graph.js";
import { DEFAULT_FOLD_LIMIT, irAnalysis, type IrContext, type IrData } from "./analysis.js";
import { encodeAttrs, OUTPUTS_KEY } from "./attrs-codec.js";
import { TensorTable } from "./tensor-table.js";
import { FoldLedger } from "../../limits.js";

/**
 * Ops whose trailing unused outputs can be dropped without changing the used ones. Not Split:
 * its output count decides how the input is divided.
 */
const TRIMMABLE_OUTPUTS = new Set(["Dropout", "BatchNormalization", "MaxPool"]);

/** A graph loaded into an e-graph, with what decoding needs to rebuild a graph. */
export interface EncodedGraph {
  readonly egraph: EGraph<IrData>;
  readonly context: IrContext;
  /** Class of every tensor of the source graph, by name (not canonical after unions: `find` it). */
  readonly tensorClasses: ReadonlyMap<string, ClassId>;
  /** Classes of the graph outputs, in order. */
  readonly outputs: readonly ClassId[];
  readonly source: Graph;
}

export interface EncodeOptions {
  readonly foldLimit?: number;
}

/**
 * Graph -> e-graph. Nodes become e-nodes whose children are their inputs' classes (absent optional
 * inputs are the `None` leaf); a node with several used outputs becomes a tuple class plus one
 * `Proj` per used output. Trailing unused outputs of `TRIMMABLE_OUTPUTS` ops are dropped first, so a
 * Dropout without its mask is a plain value.
 */
export function encodeGraph(graph: Graph, options: EncodeOptions = {}): EncodedGraph {
  const table = new TensorTable();
  const inputTypes = new Map<string, ValueInfo>(graph.inputs.map((i) => [i.name, { dtype: i.dtype, shape: i.shape }]));
  const context: IrContext = { table, inputTypes, foldLimit: options.foldLimit ?? DEFAULT_FOLD_LIMIT, ledger: new FoldLedger() };
  const egraph = new EGraph<IrData>(irAnalysis(context));
  const classes = new Map<string, ClassId>();
  const none = egraph.add({ op: "None", attrs: "", children: [] });

  for (const input of graph.inputs) classes.set(input.name, egraph.add({ op: "Input", attrs: canonicalAttrs({ name: input.name }), children: [] }));
  for (const [name, tensor] of graph.constants) {
    const digest = table.intern(tensor, name);
    classes.set(name, egraph.add({ op: "Const", attrs: canonicalAttrs({ digest }), children: [] }));
  }
  for (const node of graph.nodes) {
    const children = node.inputs.map((name) => {
      if (name === "") return none;
      const id = classes.get(name);
      if (id === undefined) throw new Error(`internal: tensor "${name}" used before it is produced`);
      return id;
    });
    const outputs = [...node.outputs];
    if (TRIMMABLE_OUTPUTS.has(node.op)) while (outputs.length > 1 && outputs[outputs.length - 1] === "") outputs.pop();
    if (outputs.length === 1) {
      classes.set(outputs[0]!, egraph.add({ op: node.op, attrs: encodeAttrs(node.attrs, table), children }));
      continue;
    }
    const mask = outputs.map((o) => (o === "" ? 0 : 1));
    const tuple = egraph.add({ op: node.op, attrs: encodeAttrs(node.attrs, table, { [OUTPUTS_KEY]: mask }), children });
    outputs.forEach((name, index) => {
      if (name !== "") classes.set(name, egraph.add({ op: "Proj", attrs: canonicalAttrs({ index }), children: [tuple] }));
    });
  }
  egraph.rebuild();
  const outputs = graph.outputs.map((o) => {
    const id = classes.get(o.name);
    if (id === undefined) throw new Error(`internal: graph output "${o.name}" has no producer`);
    return id;
  });
  return { egraph, context, tensorClasses: classes, outputs, source: graph };
}
