import { basename, extname } from "node:path";
import { fail } from "../../errors.js";
import { buildGraph, type BuildOptions, type RawInput, type RawModel } from "../../ir/build.js";
import { nodeLabel, type Graph, type Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";
import { expandControlFlow } from "./control-flow.js";
import { inlineFunctions } from "./functions.js";
import { convertInput } from "./inputs.js";
import { decodeMessage, int64ToNumber, type GraphMsg, type ModelMsg } from "./messages.js";
import { convertNodeList, isDefaultDomain } from "./nodes.js";
import { ModelProtoType } from "./schema.js";
import { tensorFromProto } from "./tensor-proto.js";
import { lowerQuantizedOnnx } from "./qdq.js";
import { CORE_OP_REGISTRY } from "../../ir/ops/index.js";

export { decodeNamedTensorProto, decodeTensorProto, tensorFromProto } from "./tensor-proto.js";

/**
 * Imports an ONNX ModelProto: decodes it, converts it to the core's RawModel (source names kept)
 * and builds the typed IR. Everything that can go wrong with the bytes is an EgretError.
 */
export function importOnnx(bytes: Uint8Array, sourceName: string, options: BuildOptions = {}): Graph {
  return buildGraph(lowerQuantizedOnnx(readOnnxModel(bytes, sourceName, options)), CORE_OP_REGISTRY, options);
}

/**
 * The first half of `importOnnx`: the RawModel before graph building. Callers that know the value
 * of some graph inputs (the conformance runner feeding a Reshape's shape input) can add them to
 * `constants` before `buildGraph`; the core then treats those inputs as constants.
 */
export function readOnnxModel(bytes: Uint8Array, sourceName: string, options: BuildOptions = {}): RawModel {
  const subject = `model file ${sourceName}`;
  const model = decodeMessage<ModelMsg>(ModelProtoType, bytes, (reason) =>
    fail("parse", subject, `is not a valid ONNX model (${reason}); the file is truncated, corrupt or in another format: re-export or re-download it`),
  );
  if (!model.graph) {
    fail("parse", subject, "is not an ONNX model: it holds no graph (a file truncated before its graph, an empty file, or a protobuf of another kind?); pass the .onnx file written by the exporter");
  }
  return toRawModel(model, model.graph, sourceName, options);
}

/** The default-domain ("" or "ai.onnx") opset; models from before opset_import existed are opset 1. */
function defaultOpset(model: ModelMsg, subject: string): number {
  const entry = model.opset_import.find((o) => isDefaultDomain(o.domain));
  if (entry?.version === undefined) return 1;
  const version = int64ToNumber(entry.version);
  if (!Number.isSafeInteger(version) || version < 1) fail("parse", subject, `declares an invalid opset version ${version}; the model file is corrupt`);
  return version;
}

function toRawModel(model: ModelMsg, graph: GraphMsg, sourceName: string, options: BuildOptions): RawModel {
  const subject = `model file ${sourceName}`;
  const opset = defaultOpset(model, subject);
  const constants = convertInitializers(graph, subject);
  const inputs = convertInputs(graph, constants, options, subject);
  const { nodes, subgraphs } = convertNodeList(inlineFunctions(model, graph.node, opset, subject, tensorNames(graph)), subject);
  const outputs = graph.output.map((o, i) => o.name || fail("parse", subject, `graph output ${i} has no name; the model file is corrupt`));
  if (outputs.length === 0) fail("parse", subject, "declares no graph outputs, so there is nothing to compute");
  const raw: RawModel = {
    name: graph.name || basename(sourceName, extname(sourceName)),
    inputs,
    outputs,
    constants,
    nodes,
    opset,
  };
  // If/Loop/Scan become plain nodes here (control-flow.ts); the core never sees a subgraph.
  const expanded = expandControlFlow(raw, subgraphs, options);
  checkSingleProducers(expanded.nodes, expanded.inputs, expanded.constants);
  return expanded;
}

/** Every tensor name the graph uses (inlined function bodies get names that differ from these). */
function tensorNames(graph: GraphMsg): Set<string> {
  const names = new Set<string>();
  for (const v of [...graph.input, ...graph.output]) names.add(v.name ?? "");
  for (const t of graph.initializer) names.add(t.name ?? "");
  for (const n of graph.node) for (const t of [...n.input, ...n.output]) names.add(t);
  return names;
}

function convertInitializers(graph: GraphMsg, subject: string): Map<string, Tensor> {
  const sparse = graph.sparse_initializer[0];
  if (sparse) {
    fail("unsupported-dtype", `initializer "${sparse.values?.name ?? "?"}"`, "is a sparse tensor, which Egret does not support; store it as a dense initializer");
  }
  const constants = new Map<string, Tensor>();
  graph.initializer.forEach((t, i) => {
    const name = t.name || fail("parse", subject, `initializer ${i} has no name; the model file is corrupt`);
    if (constants.has(name)) fail("parse", `initializer "${name}"`, "is defined twice; the model file is inconsistent");
    constants.set(name, tensorFromProto(t, `initializer "${name}"`));
  });
  return constants;
}

/** Graph inputs that are also initializers (IR < 4 models list weights as inputs) are constants. */
function convertInputs(graph: GraphMsg, constants: ReadonlyMap<string, Tensor>, options: BuildOptions, subject: string): RawInput[] {
  const seen = new Set<string>();
  const inputs: RawInput[] = [];
  graph.input.forEach((vi, i) => {
    const name = vi.name || fail("parse", subject, `graph input ${i} has no name; the model file is corrupt`);
    if (seen.has(name)) fail("parse", `input "${name}"`, "is declared twice; the model file is inconsistent");
    seen.add(name);
    if (!constants.has(name)) inputs.push(convertInput(vi, options));
  });
  return inputs;
}

/**
 * The IR requires one producer per tensor; a file that defines a name twice would otherwise
 * silently compute the wrong thing.
 */
function checkSingleProducers(nodes: readonly Node[], inputs: readonly RawInput[], constants: ReadonlyMap<string, Tensor>): void {
  const producer = new Map<string, string>();
  for (const name of constants.keys()) producer.set(name, `initializer "${name}"`);
  for (const input of inputs) producer.set(input.name, `graph input "${input.name}"`);
  for (const node of nodes) {
    for (const out of node.outputs) {
      if (out === "") continue;
      const previous = producer.get(out);
      if (previous) fail("parse", nodeLabel(node), `output "${out}" is also produced by ${previous}; every tensor must have exactly one producer (the model file is inconsistent)`);
      producer.set(out, nodeLabel(node));
    }
  }
}
