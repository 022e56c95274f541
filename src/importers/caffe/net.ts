import { fail } from "../../errors.js";
import type { BlobMsg, LayerMsg, NetMsg, NetStateRuleMsg, WeightsLayerMsg } from "./messages.js";
import { Params } from "./params.js";
import { V1LayerTypeEnum } from "./schema.js";

/**
 * A layer of either spelling (LayerParameter or the legacy V1LayerParameter) with its type as a
 * new-style name ("Convolution", not CONVOLUTION) and its blobs (from the deploy prototxt's
 * matching .caffemodel layer when a prototxt gives the structure).
 */
export interface CaffeLayer {
  readonly name: string;
  readonly type: string;
  readonly bottoms: readonly string[];
  readonly tops: readonly string[];
  readonly blobs: readonly BlobMsg[];
  readonly msg: LayerMsg;
}

export function layerSubject(layer: Pick<CaffeLayer, "name" | "type">): string {
  return `layer "${layer.name}" (${layer.type})`;
}

export function layerParams(layer: CaffeLayer, name: `${string}_param`): Params {
  return new Params(layer.msg[name], layerSubject(layer), name);
}

/** V1LayerType enum names whose new-style name is not the CamelCase of the old one. */
const V1_NAMES: Readonly<Record<string, string>> = {
  ABSVAL: "AbsVal", BNLL: "BNLL", LRN: "LRN", MVN: "MVN", RELU: "ReLU", TANH: "TanH", HDF5_DATA: "HDF5Data",
  HDF5_OUTPUT: "HDF5Output", SOFTMAX_LOSS: "SoftmaxWithLoss", IM2COL: "Im2col", ARGMAX: "ArgMax",
};

/** New-style type name of a layer's `type` field (a string, or a V1LayerType number). */
export function layerTypeName(type: string | number | undefined): string {
  if (typeof type === "string") return type;
  if (type === undefined) return "";
  const name = V1LayerTypeEnum.valuesById[type];
  if (name === undefined) return `V1 layer type ${type}`;
  return V1_NAMES[name] ?? name.toLowerCase().replace(/(^|_)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase());
}

/** Caffe's StateMeetsRule for the inference state: phase TEST, level 0, no stages. */
function meetsTestState(rule: NetStateRuleMsg): boolean {
  const TEST = 1;
  if (rule.phase !== undefined && rule.phase !== TEST) return false;
  if (rule.min_level !== undefined && 0 < rule.min_level) return false;
  if (rule.max_level !== undefined && 0 > rule.max_level) return false;
  return rule.stage.length === 0;
}

/** Whether Caffe would instantiate the layer in a TEST-phase net (include/exclude rules). */
export function inTestPhase(msg: LayerMsg): boolean {
  if (msg.include.length > 0) return msg.include.some(meetsTestState);
  return !msg.exclude.some(meetsTestState);
}

/** Layers of a net in file order: the new-style `layer` list, or the legacy `layers`. */
export function netLayers(net: NetMsg, subject: string): CaffeLayer[] {
  if (net.layer.length > 0 && net.layers.length > 0) {
    fail("parse", subject, "mixes new-style `layer` and legacy `layers` entries; upgrade the net with Caffe's upgrade_net_proto_text/binary tools");
  }
  const list = net.layer.length > 0 ? net.layer : net.layers;
  const names = new Set<string>();
  return list.map((msg, i) => {
    const type = layerTypeName(msg.type);
    const name = msg.name || `${type || "layer"}_${i}`;
    if (!type) fail("parse", `layer "${name}"`, "has no type; the net is corrupt or uses the pre-2014 V0 layer format (upgrade it with Caffe's tools)");
    if (names.has(name)) fail("parse", layerSubject({ name, type }), "shares its name with an earlier layer; Caffe matches weights by layer name, so names must be unique");
    names.add(name);
    return { name, type, bottoms: msg.bottom, tops: msg.top, blobs: msg.blobs, msg };
  });
}

/**
 * A deploy net's layers with the blobs of the equally named .caffemodel layers (how Caffe's
 * CopyTrainedLayersFrom matches them). Layers without a counterpart keep the prototxt's blobs
 * (usually none; converters that need weights then say which layer lacks them).
 */
export function attachWeights(layers: readonly CaffeLayer[], weights: readonly WeightsLayerMsg[]): CaffeLayer[] {
  const byName = new Map<string, readonly BlobMsg[]>();
  for (const w of weights) if (w.name !== undefined && w.blobs.length > 0) byName.set(w.name, w.blobs);
  return layers.map((l) => {
    const blobs = byName.get(l.name);
    return blobs ? { ...l, blobs } : l;
  });
}

/** Data-source layers: their tops become graph inputs. */
const DATA_LAYERS = new Set(["Data", "ImageData", "MemoryData", "HDF5Data", "WindowData", "DummyData", "AnnotatedData", "VideoData"]);

/** Layers that only matter for training: dropped from an inference graph. */
export function isTrainOnly(type: string): boolean {
  return /Loss$/.test(type) || ["Accuracy", "Silence", "HDF5Output", "DetectionEvaluate"].includes(type);
}

export function isDataLayer(layer: CaffeLayer): boolean {
  return DATA_LAYERS.has(layer.type) || (layer.type === "Python" && layer.bottoms.length === 0);
}
