import { closeSync, openSync, readSync } from "node:fs";
import { EgretError, fail } from "../../errors.js";
import type { DType } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor.js";

/**
 * HDF5 access through h5wasm (the HDF5 C library compiled to WebAssembly). Its module
 * initialises asynchronously, once; after that every call is synchronous. So `kerasReady()` is
 * awaited once (the CLI does it before importing an .h5 file) and `importKeras` stays synchronous
 * like the other importers.
 */
type H5Module = typeof import("h5wasm");
type H5Group = InstanceType<H5Module["Group"]>;

/** The part of Emscripten's FS the reader uses (h5wasm's typings leave it untyped). */
interface MemFs {
  writeFile(path: string, data: Uint8Array): void;
  unlink(path: string): void;
}

let loaded: { h5: H5Module; fs: MemFs } | undefined;
let loading: Promise<void> | undefined;

/** Loads and initialises h5wasm; cheap after the first call. */
export function kerasReady(): Promise<void> {
  loading ??= (async () => {
    const h5 = await import("h5wasm");
    const module = await h5.ready;
    // Turn HDF5's error-stack printing into thrown JS errors: corrupt files then fail quietly.
    module.activate_throwing_error_handler();
    loaded = { h5, fs: h5.FS as unknown as MemFs };
  })();
  return loading;
}

export function isKerasReady(): boolean {
  return loaded !== undefined;
}

/** What the Keras importer reads from an .h5 file: attributes of the root and weight arrays. */
export interface KerasFile {
  /** A root attribute as a string (model_config, keras_version...), or undefined. */
  rootString(name: string): string | undefined;
  /** The weights of a layer by their short name ("kernel", "bias", "gamma"...), in file order. */
  layerWeights(layer: string): Map<string, Tensor>;
}

let sequence = 0;

/**
 * Opens `bytes` as HDF5 in h5wasm's in-memory file system, runs `body` and always closes and
 * removes the file. HDF5 errors (corrupt or truncated files) become "parse" EgretErrors.
 */
export function withKerasFile<T>(bytes: Uint8Array, sourceName: string, body: (file: KerasFile) => T): T {
  if (!loaded) {
    fail("io", `model file ${sourceName}`, "the HDF5 reader (h5wasm) initialises asynchronously and is not loaded yet: `await kerasReady()` once before importing .h5 files, or call importKerasAsync");
  }
  const { h5, fs } = loaded;
  const path = `/egret-keras-${++sequence}.h5`;
  fs.writeFile(path, bytes);
  let file: InstanceType<H5Module["File"]> | undefined;
  try {
    file = hdf5(sourceName, () => new h5.File(path, "r"));
    const root = file;
    return body({
      rootString: (name) => hdf5(sourceName, () => stringValue(root.attrs[name]?.value)),
      layerWeights: (layer) => hdf5(sourceName, () => readLayerWeights(h5, root, layer, sourceName)),
    });
  } finally {
    try {
      file?.close();
    } finally {
      fs.unlink(path);
    }
  }
}

/** Runs an h5wasm call, turning the HDF5 error it throws into a short "parse" error. */
function hdf5<T>(sourceName: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof EgretError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    fail("parse", `model file ${sourceName}`, `is not a readable HDF5 file (${hdf5Reason(message)}); the file is truncated, corrupt or not a Keras .h5 model`);
  }
}

/** The innermost HDF5 diagnostic ("truncated file: eof = ...") of a long error-stack text. */
function hdf5Reason(message: string): string {
  const frames = message.split("\n").filter((l) => /^\s*#\d+:/.test(l));
  const last = frames[frames.length - 1];
  const reason = last ? last.replace(/^.*\(\):\s*/, "") : message.split("\n")[0] ?? message;
  return reason.trim().slice(0, 200);
}

function stringValue(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return new TextDecoder("utf-8").decode(v);
  return undefined;
}

const DTYPE_OF_ARRAY: readonly [new (...args: never[]) => unknown, DType][] = [
  [Float32Array, "float32"],
  [Float64Array, "float64"],
  [Int32Array, "int32"],
  [Int8Array, "int8"],
  [Uint8Array, "uint8"],
  [BigInt64Array, "int64"],
];

function readLayerWeights(h5: H5Module, root: H5Group, layer: string, sourceName: string): Map<string, Tensor> {
  const subject = `layer "${layer}"`;
  const weightsRoot = root.get("model_weights");
  // Full-model saves keep weights under /model_weights; save_weights() files at the root.
  const base = weightsRoot instanceof h5.Group ? weightsRoot : root;
  const group = base.get(layer);
  const weights = new Map<string, Tensor>();
  if (!(group instanceof h5.Group)) return weights;
  const names = group.attrs["weight_names"]?.value;
  const list = Array.isArray(names) ? names : typeof names === "string" ? [names] : [];
  for (const weightName of list) {
    if (typeof weightName !== "string") fail("parse", subject, `weight_names holds a non-string entry; the file is corrupt (${sourceName})`);
    const ds = group.get(weightName);
    if (!(ds instanceof h5.Dataset)) fail("parse", subject, `weight "${weightName}" is listed but missing from the file (${sourceName})`);
    const value = ds.value;
    const shape = ds.shape ?? [];
    const kind = DTYPE_OF_ARRAY.find(([ctor]) => value instanceof ctor);
    if (!kind || !ArrayBuffer.isView(value)) fail("unsupported-dtype", subject, `weight "${weightName}" has element type ${JSON.stringify(ds.dtype)}, which Egret does not read`);
    const count = shape.reduce((a, b) => a * b, 1);
    if ((value as { length: number }).length !== count) fail("parse", subject, `weight "${weightName}" has ${(value as { length: number }).length} values for shape [${shape.join(",")}]; the file is corrupt`);
    const short = weightName.split("/").pop()!.replace(/:\d+$/, "");
    weights.set(short, Tensor.fromBytes(kind[1], shape, new Uint8Array(value.buffer, value.byteOffset, value.byteLength)));
  }
  return weights;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * For synchronous callers such as the CLI: loads the HDF5 reader if any of `paths` is an HDF5
 * file, so the .h5 import that follows can run synchronously. Other invocations pay nothing. A
 * reader that fails to load is left unloaded; the import then reports it.
 */
export async function preloadKerasReaderFor(paths: readonly string[]): Promise<void> {
  const isHdf5 = (p: string) => {
    try {
      const fd = openSync(p, "r");
      try {
        const head = Buffer.alloc(8);
        return readSync(fd, head, 0, 8, 0) === 8 && HDF5_SIGNATURE.every((b, i) => head[i] === b);
      } finally {
        closeSync(fd);
      }
    } catch {
      return false;
    }
  };
  // By extension too: a .h5 whose signature is damaged is still read as HDF5 (and fails as one).
  if (!paths.some((p) => isHdf5(p) || /\.(h5|hdf5|keras)$/i.test(p))) return;
  try {
    await kerasReady();
  } catch {
    // Reported by withKerasFile when the import runs.
  }
}
