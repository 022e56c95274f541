import { basename, extname } from "node:path";
import { fail } from "../../errors.js";
import { buildGraph, type RawModel } from "../../ir/build.js";
import type { DType } from "../../ir/dtype.js";
import type { Graph } from "../../ir/graph.js";
import type { ImportOptions } from "../index.js";
import { explicitWindowPads } from "../nhwc.js";
import { RawGraphBuilder } from "../tf/raw-builder.js";
import { parseModelConfig, refKey, type KerasInput, type KerasModel } from "./config.js";
import type { KerasConverter, KTensor } from "./context.js";
import { kerasReady, withKerasFile, type KerasFile } from "./h5.js";
import { CONV_LAYERS } from "./layers-conv.js";
import { CORE_LAYERS } from "./layers-core.js";
import { CORE_OP_REGISTRY } from "../../ir/ops/index.js";

export { isKerasReady, kerasReady, preloadKerasReaderFor } from "./h5.js";

const LAYERS: Readonly<Record<string, KerasConverter>> = { ...CONV_LAYERS, ...CORE_LAYERS };

/** Keras layer classes the importer translates (besides InputLayer). */
export const KERAS_SUPPORTED_LAYERS: readonly string[] = ["InputLayer", ...Object.keys(LAYERS)].sort();

/**
 * Imports a Keras .h5 model (model_config JSON + weights under /model_weights), Sequential or
 * functional. Synchronous once the HDF5 reader is loaded: `await kerasReady()` first, or use
 * `importKerasAsync`.
 */
export function importKeras(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Graph {
  return explicitWindowPads(buildGraph(readKerasModel(bytes, sourceName), CORE_OP_REGISTRY, options));
}

export async function importKerasAsync(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Promise<Graph> {
  await kerasReady();
  return importKeras(bytes, sourceName, options);
}

/** The first half of `importKeras`: the RawModel before graph building. */
export function readKerasModel(bytes: Uint8Array, sourceName: string): RawModel {
  const subject = `model file ${sourceName}`;
  return withKerasFile(bytes, sourceName, (file) => {
    const config = file.rootString("model_config");
    if (config === undefined) {
      fail("parse", subject, "has no model_config attribute: it is a weights-only file (model.save_weights) or not a Keras model; save the whole model with model.save(path.h5)");
    }
    return translate(parseModelConfig(config, subject), file, sourceName, subject);
  });
}

const KERAS_DTYPES: Readonly<Record<string, DType>> = { float32: "float32", float64: "float64", float16: "float16", int32: "int32", int8: "int8", uint8: "uint8" };

function inputDtype(input: KerasInput): DType {
  return KERAS_DTYPES[input.dtype] ?? fail("unsupported-dtype", `input "${input.name}"`, `has Keras dtype "${input.dtype}", which Egret does not support`);
}

/**
 * Converts layer calls in dependency order: each pass converts every call whose inputs exist,
 * in config order (Keras writes configs topologically, so one pass is the usual case).
 */
function translate(model: KerasModel, file: KerasFile, sourceName: string, subject: string): RawModel {
  const ir = new RawGraphBuilder();
  const tensors = new Map<string, KTensor>();
  for (const input of model.inputs) {
    const name = ir.input({ name: input.name, dtype: inputDtype(input), dims: input.dims });
    tensors.set(refKey({ layer: input.name, node: 0, tensor: 0 }), { name, rank: input.dims.length });
  }
  const pending = model.layers.flatMap((layer) => layer.calls.map((call, node) => ({ layer, call, node })));
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => p.call.every((r) => tensors.has(refKey(r))));
    if (ready < 0) {
      const stuck = pending[0]!;
      const missing = stuck.call.find((r) => !tensors.has(refKey(r)))!;
      fail("missing-tensor", `layer "${stuck.layer.name}" (${stuck.layer.className})`, `reads "${missing.layer}" (call ${missing.node}, output ${missing.tensor}), which no layer produces or which depends on this layer; the model_config is inconsistent`);
    }
    const { layer, call, node } = pending.splice(ready, 1)[0]!;
    const label = `layer "${layer.name}" (${layer.className})`;
    const convert = LAYERS[layer.className];
    if (!convert) {
      fail("unsupported-op", label, `Keras layer class "${layer.className}" is not supported by the Keras importer (supported: ${KERAS_SUPPORTED_LAYERS.join(", ")})`);
    }
    const inputs = call.map((r) => tensors.get(refKey(r))!);
    const out = convert({ name: layer.name, className: layer.className, label, config: layer.config, ir, inputs, weights: file.layerWeights(layer.name) });
    tensors.set(refKey({ layer: layer.name, node, tensor: 0 }), out);
  }
  const outputs = model.outputs.map((r) => tensors.get(refKey(r))?.name ?? fail("missing-tensor", subject, `model output "${r.layer}" is not produced by any layer`));
  return ir.finish(basename(sourceName, extname(sourceName)) || model.name, outputs);
}
