import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fail } from "../errors.js";
import { DTYPES } from "../ir/dtype.js";
import { numel } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { readFileWithin } from "../io/read-file.js";
import { samplesFromArray, type CalibInput } from "./arrays.js";
import { decodeBmp } from "./bmp.js";
import { decodeImage } from "./image.js";
import { imageToTensor, type ImageOptions } from "./image-tensor.js";
import { parseNpyBytes } from "./npy-bytes.js";
import { readZip } from "./zip.js";

export type { CalibInput } from "./arrays.js";
export type { Layout } from "./image-tensor.js";

export interface CalibOptions extends ImageOptions {
  /** Keep only the first N samples, in the deterministic order described at loadSamples. */
  readonly samples?: number;
}

export interface CalibSamples {
  /** tensors[s][i]: sample s for model input i (in the order of `inputs`). */
  readonly tensors: Tensor[][];
  /** Where each sample came from, e.g. `data/batch.npy[3]` or `imgs/cat.png`. */
  readonly sources: string[];
}

/** Extensions a calibration folder may hold; other files (README, labels...) are ignored. */
export const CALIB_EXTENSIONS = [".npy", ".npz", ".bin", ".raw", ".png", ".jpg", ".jpeg", ".bmp"] as const;

/**
 * Loads calibration (or evaluation) samples for a model's inputs from `path`:
 * - `.npy`: one array for the (single) input: one sample, or a batch along a leading axis;
 * - `.npz`: one array per input, named after the input (`name.npy` inside the archive) or
 *   positional `arr_0`, `arr_1`... (numpy.savez without keywords); all with the same batch size;
 * - `.bin`/`.raw`: exactly one sample's bytes for the (single) input, little-endian, input dtype;
 * - `.png`/`.jpg`/`.jpeg`/`.bmp`: one image for the (single) input, see imageToTensor for the scaling;
 * - a folder: its files with those extensions (not recursing), sorted by name in code-unit order,
 *   each loaded as above.
 * `samples` keeps the first N samples in that order; files past the Nth sample are not read.
 */
export function loadSamples(path: string, inputs: readonly CalibInput[], options: CalibOptions = {}): CalibSamples {
  if (inputs.length === 0) fail("bad-shape", `calibration data ${path}`, "the model has no inputs to calibrate");
  const limit = options.samples ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 1) || (Number.isFinite(limit) && !Number.isInteger(limit))) fail("bad-option", "option --samples", `must be a positive integer, got ${options.samples}`);
  const tensors: Tensor[][] = [];
  const sources: string[] = [];
  for (const file of calibrationFiles(path)) {
    if (tensors.length >= limit) break;
    const loaded = loadFile(file, inputs, options);
    // Arrays may hold batches, so their samples are indexed; images and raw files are one sample.
    const indexed = [".npy", ".npz"].includes(extname(file).toLowerCase());
    for (let s = 0; s < loaded.length && tensors.length < limit; s++) {
      tensors.push(loaded[s]!);
      sources.push(indexed ? `${file}[${s}]` : file);
    }
  }
  if (tensors.length === 0) fail("io", `calibration data ${path}`, "holds no samples (an empty batch); give at least one sample");
  return { tensors, sources };
}

function calibrationFiles(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    return fail("io", `calibration data ${path}`, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); give an existing ${CALIB_EXTENSIONS.join("/")} file or a folder of them`);
  }
  if (!isDirectory) return [path];
  const files = readdirSync(path)
    .filter((name) => !name.startsWith(".") && (CALIB_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase()))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
  if (files.length === 0) fail("io", `calibration folder ${path}`, `is empty: it holds no ${CALIB_EXTENSIONS.join("/")} files; put calibration samples in it`);
  return files;
}

/** The samples of one file, each a list with one tensor per input. */
function loadFile(file: string, inputs: readonly CalibInput[], options: CalibOptions): Tensor[][] {
  const ext = extname(file).toLowerCase();
  const subject = `calibration file ${file}`;
  const only = (): CalibInput => {
    if (inputs.length !== 1) fail("bad-shape", subject, `feeds a single input, but the model has ${inputs.length} (${inputs.map((i) => i.name).join(", ")}); use an .npz with one array per input`);
    return inputs[0]!;
  };
  const bytes = readFileWithin(file, subject);
  switch (ext) {
    case ".npy":
      return samplesFromArray(parseNpyBytes(bytes, subject), only(), subject).map((t) => [t]);
    case ".npz":
      return loadNpz(bytes, inputs, subject);
    case ".bin": case ".raw":
      return [[rawSample(bytes, only(), subject)]];
    case ".png": case ".jpg": case ".jpeg": {
      const image = decodeImage(bytes, ext === ".png" ? "png" : "jpeg", subject);
      return [[imageToTensor(image, only(), options, subject)]];
    }
    case ".bmp":
      return [[imageToTensor(decodeBmp(bytes, subject), only(), options, subject)]];
    default:
      return fail("io", subject, `has an unknown extension "${ext}"; calibration data is ${CALIB_EXTENSIONS.join(", ")}`);
  }
}

function rawSample(bytes: Uint8Array, input: CalibInput, subject: string): Tensor {
  const want = numel(input.shape) * DTYPES[input.dtype].bytes;
  if (bytes.length !== want) {
    fail("bad-shape", subject, `holds ${bytes.length} bytes, but one sample of input "${input.name}" (${input.dtype}[${input.shape.join(",")}], little-endian) is ${want}; write exactly one sample per raw file`);
  }
  return Tensor.fromBytes(input.dtype, input.shape, bytes);
}

/** Arrays by input name, else positional arr_i, else a lone array for a single-input model. */
function loadNpz(bytes: Uint8Array, inputs: readonly CalibInput[], subject: string): Tensor[][] {
  const arrays = new Map(readZip(bytes, subject).filter((e) => e.name.endsWith(".npy")).map((e) => [e.name.slice(0, -4), e.data] as const));
  const perInput = inputs.map((input, i) => {
    const key = arrays.has(input.name) ? input.name : arrays.has(`arr_${i}`) ? `arr_${i}` : inputs.length === 1 && arrays.size === 1 ? [...arrays.keys()][0]! : undefined;
    if (key === undefined) {
      fail("missing-tensor", subject, `has no array for input "${input.name}" (it holds ${[...arrays.keys()].map((k) => `"${k}"`).join(", ") || "nothing"}); save it with numpy.savez(file, **{"${input.name}": x}) or positionally as arr_${i}`);
    }
    const where = `${subject} array "${key}"`;
    return samplesFromArray(parseNpyBytes(arrays.get(key)!, where), input, where);
  });
  const count = perInput[0]!.length;
  perInput.forEach((samples, i) => {
    if (samples.length !== count) fail("bad-shape", subject, `holds ${count} samples for "${inputs[0]!.name}" but ${samples.length} for "${inputs[i]!.name}"; every input needs the same number`);
  });
  return Array.from({ length: count }, (_, s) => perInput.map((samples) => samples[s]!));
}
