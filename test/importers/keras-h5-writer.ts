import * as h5wasm from "h5wasm";

/** Emscripten FS calls used to get the written file back (h5wasm leaves FS untyped). */
interface MemFs {
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

export interface LayerWeights {
  readonly [short: string]: { readonly shape: readonly number[]; readonly data: readonly number[] };
}

let counter = 0;

/**
 * Test-only Keras .h5 writer (call after kerasReady()): model_config as a root attribute and each
 * layer's weights under /model_weights/<layer>/<layer>/<name>:0 with weight_names, like Keras 2.
 */
export function writeKerasH5(modelConfig: unknown, weights: Readonly<Record<string, LayerWeights>>, withConfig = true): Uint8Array {
  const path = `/egret-test-${++counter}.h5`;
  const file = new h5wasm.File(path, "w");
  if (withConfig) file.create_attribute("model_config", JSON.stringify(modelConfig));
  file.create_attribute("keras_version", "2.2.4");
  const root = withConfig ? file.create_group("model_weights") : file;
  for (const [layer, ws] of Object.entries(weights)) {
    const group = root.create_group(layer);
    const names = Object.keys(ws).map((short) => `${layer}/${short}:0`);
    if (names.length > 0) group.create_attribute("weight_names", names);
    const inner = group.create_group(layer);
    for (const [short, w] of Object.entries(ws)) inner.create_dataset({ name: `${short}:0`, data: Float32Array.from(w.data), shape: [...w.shape], dtype: "<f" });
  }
  file.close();
  const fs = h5wasm.FS as unknown as MemFs;
  const bytes = new Uint8Array(fs.readFile(path));
  fs.unlink(path);
  return bytes;
}
