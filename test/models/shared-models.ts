import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import * as ort from "onnxruntime-node";
import { Tensor, type DType, type ErrorCode } from "../../src/index.js";
import { dataSetDirs, namedFeeds, readPbs } from "../conformance/onnx-backend.js";
import { scanModel } from "../conformance/model-ops.js";
import { randomTensor } from "../support/graphs.js";
import { firstLine } from "../conformance/c-build.js";
import { SHARED_DIR } from "../support/testdata.js";

/** ../shared/models/onnx beside the checkout (CI has it; a fresh clone alone does not). */
export const SHARED_ONNX_DIR = join(SHARED_DIR, "models", "onnx");

/** Every .onnx file under `root`, as sorted paths relative to it. */
export function listOnnxModels(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".onnx")) found.push(relative(root, p));
    }
  };
  walk(root);
  return found.sort();
}

export interface Exclusion {
  /** Why the model has no float path Egret compiles. */
  readonly reason: string;
  /** The EgretError codes that count as the expected, clear refusal. */
  readonly codes: readonly ErrorCode[];
}

/**
 * Shared models with no float path: each must be refused with a clear EgretError (the test checks
 * it), never compiled into something wrong and never crash the compiler. Keys are paths relative
 * to SHARED_ONNX_DIR.
 */
export const EXCLUDED: Readonly<Record<string, Exclusion>> = {
  // Quantized arithmetic of onnxruntime's com.microsoft domain, not part of standard ONNX.
  "onnx2c/test/local_ops/test_qlinearadd_int8/model.onnx": { reason: "com.microsoft QLinearAdd (int8)", codes: ["unsupported-op"] },
  "onnx2c/test/local_ops/test_qlinearadd_uint8/model.onnx": { reason: "com.microsoft QLinearAdd (uint8)", codes: ["unsupported-op"] },
  "onnx2c/test/local_ops/test_qlinearmul_int8/model.onnx": { reason: "com.microsoft QLinearMul (int8)", codes: ["unsupported-op"] },
  "onnx2c/test/local_ops/test_qlinearmul_uint8/model.onnx": { reason: "com.microsoft QLinearMul (uint8)", codes: ["unsupported-op"] },
  // Random generation has no deterministic reference and no place in static inference code.
  "onnx2c/test/simple_networks/random_uniform.onnx": { reason: "RandomUniform", codes: ["unsupported-op"] },
  // An invalid model kept by onnx2c as a negative test: Gemm's C of shape [2] does not broadcast to
  // Y [2x4]; onnxruntime refuses to run it too and its data set has no outputs.
  "onnx2c/test/local_ops/test_gemm_CM_transA/model.onnx": { reason: "invalid Gemm bias shape", codes: ["bad-shape"] },
  // A classical-ML op of the ai.onnx.ml domain.
  "onnx2c/test/simple_networks/treeensembleclassifier.onnx": { reason: "ai.onnx.ml TreeEnsembleClassifier", codes: ["unsupported-op"] },
};

/** One set of inputs, by graph input name, with the reference outputs for it. */
export interface ReferenceCase {
  /** Where the inputs come from: a test_data_set_N folder or "random". */
  readonly source: string;
  readonly feeds: ReadonlyMap<string, Tensor>;
  /** Reference outputs by graph output name. */
  expected(): Promise<Map<string, Tensor>>;
}

export interface Oracle {
  /** "onnxruntime", or the data sets' expected outputs when onnxruntime rejects the model. */
  readonly name: string;
  /** Concrete shapes for inputs with symbolic dims (set to 1), for `--input-shape`. */
  readonly inputShapes: ReadonlyMap<string, readonly number[]>;
  readonly cases: readonly ReferenceCase[];
  /** Frees the onnxruntime session. */
  release(): Promise<void>;
}

/**
 * The reference for a model: onnxruntime on the model's own test_data_set_* inputs when they fit
 * its declared inputs, else on one seeded random set. A few onnx2c test models are rejected by
 * onnxruntime's stricter checker (an empty optional input of an opset where it was required); for
 * those the data sets' expected outputs are the reference, and having none is an error.
 */
export async function openOracle(modelPath: string): Promise<Oracle> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: "disabled", intraOpNumThreads: 1, logSeverityLevel: 3 });
  } catch (e) {
    return dataSetOracle(modelPath, firstLine(e));
  }
  const s = session;
  const { inputShapes, sets } = modelInputs(modelPath, s);
  return {
    name: "onnxruntime",
    inputShapes,
    cases: sets.map((set) => ({ ...set, expected: () => runOrt(s, set.feeds) })),
    release: () => s.release(),
  };
}

function dataSetOracle(modelPath: string, refusal: string): Oracle {
  const scan = scanModel(modelPath);
  const cases: ReferenceCase[] = [];
  for (const dir of dataSetDirs(dirname(modelPath))) {
    const outputs = readPbs(dir, "output");
    if (outputs.length !== scan.outputs.length) continue;
    const expected = new Map(outputs.map((o, k) => [scan.outputs[k]!, o.tensor]));
    cases.push({ source: relative(dirname(modelPath), dir), feeds: namedFeeds(scan, readPbs(dir, "input")), expected: async () => expected });
  }
  if (cases.length === 0) throw new Error(`onnxruntime rejects ${modelPath} (${refusal}) and it has no data set with expected outputs`);
  return { name: "expected outputs", inputShapes: new Map(), cases, release: async () => undefined };
}

interface InputSet {
  readonly source: string;
  readonly feeds: ReadonlyMap<string, Tensor>;
}

const ORT_DTYPES: Readonly<Record<string, DType>> = {
  float32: "float32", float64: "float64", float16: "float16", int8: "int8", uint8: "uint8", int16: "int16",
  uint16: "uint16", int32: "int32", uint32: "uint32", int64: "int64", uint64: "uint64", bool: "bool",
};

function egretDtype(ortType: string): DType {
  const d = ORT_DTYPES[ortType];
  if (!d) throw new Error(`onnxruntime type ${ortType} has no Egret dtype`);
  return d;
}

/** Test data sets that fit the session's inputs, else one seeded random set. */
function modelInputs(modelPath: string, session: ort.InferenceSession): { inputShapes: Map<string, number[]>; sets: InputSet[] } {
  const inputShapes = new Map<string, number[]>();
  const shapes = new Map<string, { dtype: DType; shape: number[] }>();
  for (const m of session.inputMetadata) {
    if (!m.isTensor) throw new Error(`input "${m.name}" is not a tensor`);
    const shape = m.shape.map((d) => (typeof d === "number" && d >= 0 ? d : 1));
    if (m.shape.some((d) => typeof d !== "number" || d < 0)) inputShapes.set(m.name, shape);
    shapes.set(m.name, { dtype: egretDtype(m.type), shape });
  }
  const fits = (feeds: ReadonlyMap<string, Tensor>): boolean =>
    [...shapes].every(([name, want]) => {
      const t = feeds.get(name);
      return t !== undefined && t.dtype === want.dtype && t.shape.join(",") === want.shape.join(",");
    });
  const scan = scanModel(modelPath);
  const sets: InputSet[] = [];
  for (const dir of dataSetDirs(dirname(modelPath))) {
    const feeds = namedFeeds(scan, readPbs(dir, "input"));
    if (fits(feeds)) sets.push({ source: relative(dirname(modelPath), dir), feeds });
  }
  if (sets.length === 0) {
    const feeds = new Map<string, Tensor>();
    let seed = 1;
    for (const [name, { dtype, shape }] of shapes) feeds.set(name, randomInput(dtype, shape, seed++));
    sets.push({ source: "random", feeds });
  }
  return { inputShapes, sets };
}

/** Seeded inputs: floats in [-1, 1), integers in 0..2 (valid as small indices). */
function randomInput(dtype: DType, shape: readonly number[], seed: number): Tensor {
  if (dtype === "float32") return randomTensor(shape, seed);
  const floats = randomTensor(shape, seed, 0, 3).toNumbers();
  return Tensor.fromNumbers(dtype, shape, dtype === "float64" || dtype === "float16" ? floats : floats.map(Math.floor));
}

/** Runs onnxruntime; returns the outputs by name. */
async function runOrt(session: ort.InferenceSession, feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of feeds) ortFeeds[name] = new ort.Tensor(t.dtype as keyof ort.Tensor.DataTypeMap, t.data, t.shape);
  const results = await session.run(ortFeeds);
  const out = new Map<string, Tensor>();
  for (const [name, value] of Object.entries(results)) {
    out.set(name, new Tensor(egretDtype(value.type), value.dims, value.data as Tensor["data"]));
  }
  return out;
}
