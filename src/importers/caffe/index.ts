import { basename, extname } from "node:path";
import { fail } from "../../errors.js";
import { readFileWithin } from "../../io/read-file.js";
import { buildGraph, type BuildOptions, type RawModel } from "../../ir/build.js";
import type { Graph } from "../../ir/graph.js";
import type { ImportOptions } from "../index.js";
import { CAFFE_IR_OPSET, GraphBuilder, LayerCtx } from "./builder.js";
import { declareInputs } from "./inputs.js";
import { LAYER_CONVERTERS, SUPPORTED_LAYER_TYPES } from "./layers/index.js";
import { decodePlain, type NetMsg, type WeightsNetMsg } from "./messages.js";
import { attachWeights, inTestPhase, isDataLayer, isTrainOnly, layerSubject, netLayers, type CaffeLayer } from "./net.js";
import { bindMessage } from "./prototxt-bind.js";
import { parseTextFormat } from "./prototxt.js";
import { NetParameterType, WeightsNetParameterType } from "./schema.js";

export { parseTextFormat } from "./prototxt.js";

/** An imported Caffe net: the graph plus what the importer dropped or assumed, for the user. */
export interface CaffeImport {
  readonly graph: Graph;
  readonly notes: readonly string[];
}

/**
 * Imports a Caffe model: the binary .caffemodel (NetParameter with its trained blobs) and, when
 * `options.prototxt` names one, the deploy .prototxt that defines the net instead of the
 * (usually training) net embedded in the .caffemodel. Notes (dropped training layers, assumptions)
 * go to stderr; `importCaffeWithNotes` returns them instead.
 */
export function importCaffe(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Graph {
  const { graph, notes } = importCaffeWithNotes(bytes, sourceName, options);
  for (const note of notes) process.stderr.write(`egret: note: ${note}\n`);
  return graph;
}

export function importCaffeWithNotes(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): CaffeImport {
  const prototxt = options.prototxt === undefined ? undefined : { text: readPrototxt(options.prototxt), name: options.prototxt };
  const { raw, notes } = readCaffeModel(bytes, sourceName, prototxt, options);
  return { graph: buildGraph(raw, options), notes };
}

function readPrototxt(path: string): string {
  return readFileWithin(path, `prototxt ${path}`).toString("utf8");
}

/**
 * The first half of the import: the RawModel before graph building. `prototxt` is the deploy
 * net's text (and a name for messages); its layers take their blobs from the equally named
 * layers of the .caffemodel.
 */
export function readCaffeModel(bytes: Uint8Array, sourceName: string, prototxt: { readonly text: string; readonly name: string } | undefined, options: BuildOptions = {}): { raw: RawModel; notes: string[] } {
  const subject = `model file ${sourceName}`;
  const corrupt = (reason: string): never =>
    fail("parse", subject, `is not a valid Caffe model (${reason}); the file is truncated, corrupt or in another format: re-download it or re-save it with Caffe`);
  let net: NetMsg;
  let layers: CaffeLayer[];
  if (prototxt) {
    const weights = decodePlain<WeightsNetMsg>(WeightsNetParameterType, bytes, corrupt);
    net = bindMessage(parseTextFormat(prototxt.text, prototxt.name), NetParameterType, prototxt.name) as unknown as NetMsg;
    layers = attachWeights(netLayers(net, `prototxt ${prototxt.name}`), [...weights.layer, ...weights.layers]);
  } else {
    net = decodePlain<NetMsg>(NetParameterType, bytes, corrupt);
    layers = netLayers(net, subject);
  }
  if (layers.length === 0) fail("parse", prototxt ? `prototxt ${prototxt.name}` : subject, "defines no layers, so there is nothing to compile (is it a Caffe net?)");

  const notes: string[] = [];
  const blobNames = new Set<string>([...net.input, ...layers.flatMap((l) => [...l.bottoms, ...l.tops])]);
  const builder = new GraphBuilder(blobNames, notes);
  declareInputs(builder, net, layers, options);
  const skipped: string[] = [];
  for (const layer of layers) {
    if (isDataLayer(layer) || layer.type === "Input") continue;
    if (!inTestPhase(layer.msg)) {
      skipped.push(layer.name);
      continue;
    }
    if (isTrainOnly(layer.type)) {
      notes.push(`${layerSubject(layer)} is a training layer and was dropped; the net's outputs are what it read`);
      continue;
    }
    const convert = LAYER_CONVERTERS[layer.type];
    if (!convert) {
      fail("unsupported-op", layerSubject(layer), `Caffe layer type "${layer.type}" is not supported (supported: ${SUPPORTED_LAYER_TYPES.join(", ")})`);
    }
    convert(new LayerCtx(builder, layer));
  }
  if (skipped.length > 0) notes.push(`${skipped.length} layer(s) excluded from the TEST phase were skipped: ${skipped.join(", ")}`);
  const outputs = builder.outputs();
  if (outputs.length === 0) fail("parse", subject, "has no output: every computed blob is read by a later layer (or no layer computes anything)");
  const raw: RawModel = {
    name: net.name || basename(sourceName, extname(sourceName)),
    inputs: builder.inputs,
    outputs,
    constants: builder.constants,
    nodes: builder.nodes,
    opset: CAFFE_IR_OPSET,
  };
  return { raw, notes };
}
