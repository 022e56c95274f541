import { basename, extname } from "node:path";
import { fail } from "../../errors.js";
import { buildGraph, type RawInput, type RawModel } from "../../ir/build.js";
import type { DType } from "../../ir/dtype.js";
import type { Graph } from "../../ir/graph.js";
import type { ImportOptions } from "../index.js";
import { explicitWindowPads } from "../nhwc.js";
import { TfAttrs } from "./attrs.js";
import type { TfConverter } from "./context.js";
import { decodeGraphDef, type NodeDefMsg } from "./messages.js";
import { MATH_CONVERTERS } from "./ops-math.js";
import { NN_CONVERTERS } from "./ops-nn.js";
import { QUANT_CONVERTERS } from "./ops-quant.js";
import { SHAPE_CONVERTERS } from "./ops-shape.js";
import { RawGraphBuilder } from "./raw-builder.js";
import { indexNodes, parseTensorRef, refKey, selectSubgraph, type TensorRef } from "./select.js";
import { CORE_OP_REGISTRY } from "../../ir/ops/index.js";

const CONVERTERS: Readonly<Record<string, TfConverter>> = { ...NN_CONVERTERS, ...MATH_CONVERTERS, ...SHAPE_CONVERTERS, ...QUANT_CONVERTERS };

/** TensorFlow ops the importer translates (besides Placeholder and Const). */
export const TF_SUPPORTED_OPS: readonly string[] = ["Placeholder", "Const", ...Object.keys(CONVERTERS)].sort();

/**
 * Imports a frozen TensorFlow GraphDef (.pb): selects the subgraph between the inputs and outputs
 * (`tfInputs` / `tfOutputs`, else every Placeholder and every unconsumed node), translates each node
 * into IR nodes keeping the NHWC layout (see ../nhwc.ts), and builds the typed IR.
 */
export function importTfGraphDef(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Graph {
  return explicitWindowPads(buildGraph(readTfGraphDef(bytes, sourceName, options), CORE_OP_REGISTRY, options));
}

/** The first half of `importTfGraphDef`: the RawModel before graph building. */
export function readTfGraphDef(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): RawModel {
  const subject = `model file ${sourceName}`;
  const graph = decodeGraphDef(bytes, sourceName);
  const byName = indexNodes(graph, subject);
  const selection = selectSubgraph(graph, byName, options, subject);
  const ir = new RawGraphBuilder();
  /** TensorFlow tensor (`name` / `name:k`) -> IR tensor name. */
  const tensors = new Map<string, string>();

  for (const node of selection.inputs) tensors.set(node.name!, ir.input(graphInput(node, options)));
  for (const node of selection.order) {
    const label = `node "${node.name}" (${node.op})`;
    const attrs = new TfAttrs(node, label);
    if (node.op === "Const") {
      tensors.set(node.name!, ir.constant(node.name!, attrs.tensor("value")));
      continue;
    }
    const convert = CONVERTERS[node.op!];
    if (!convert) {
      fail("unsupported-op", label, `TensorFlow op "${node.op}" is not supported by the GraphDef importer (supported: ${TF_SUPPORTED_OPS.join(", ")}); if it is outside the part you need, cut the graph with --inputs/--outputs`);
    }
    const inputs = dataInputs(node).map((ref) => irTensor(tensors, ref, label));
    const outputs = convert({ name: node.name!, op: node.op!, label, attrs, ir, inputs });
    outputs.forEach((irName, k) => tensors.set(refKey({ node: node.name!, index: k }), irName));
  }

  const outputs = selection.outputs.map((ref) => {
    const irName = irTensor(tensors, ref, `graph output "${refKey(ref)}"`);
    // Keep the TensorFlow tensor name visible: an output that aliases another tensor (Identity,
    // `name:k`, a graph input) gets an IR Identity carrying its own name.
    return irName === refKey(ref) ? irName : ir.node("Identity", [irName], {}, refKey(ref));
  });
  return ir.finish(basename(sourceName, extname(sourceName)), outputs);
}

function dataInputs(node: NodeDefMsg): TensorRef[] {
  return node.input.map(parseTensorRef).filter((r): r is TensorRef => r !== undefined);
}

function irTensor(tensors: ReadonlyMap<string, string>, ref: TensorRef, reader: string): string {
  const name = tensors.get(refKey(ref));
  if (name === undefined) {
    fail("unsupported-op", reader, `reads output ${ref.index} of node "${ref.node}", which the importer does not produce (only the outputs used for inference are translated)`);
  }
  return name;
}

/**
 * A graph input from a Placeholder or a --inputs cut point: element type from `dtype` / `T`,
 * dims from `shape` / `_output_shapes` (-1 stays unknown, so the core asks for --input-shape).
 */
function graphInput(node: NodeDefMsg, options: ImportOptions): RawInput {
  const label = `node "${node.name}" (${node.op})`;
  const attrs = new TfAttrs(node, label);
  const dtype: DType = attrs.has("dtype") ? attrs.dtype("dtype") : attrs.has("T") ? attrs.dtype("T") : fail("bad-attribute", label, `has no "dtype" or "T" attribute, so its element type is unknown; pick another input node`);
  const dims = attrs.shape("shape") ?? attrs.firstListShape("_output_shapes");
  if (dims) return { name: node.name!, dtype, dims };
  const forced = options.inputShapes?.get(node.name!);
  if (forced) return { name: node.name!, dtype, dims: forced.map(() => undefined) };
  return fail("dynamic-shape", `input "${node.name}"`, `has no shape in the graph (even its rank is unknown); give a static shape with --input-shape ${node.name}=<d0>x<d1>x...`);
}
