import { fail } from "../../errors.js";
import { attrInt, attrInts, attrTensor, checkOneOf, hasAttr } from "../attrs.js";
import { dtypeFromOnnx, isFloat, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";

/**
 * The window functions (HannWindow, HammingWindow, BlackmanWindow) and MelWeightMatrix. Every
 * operand sets the output's shape or values, so all must be compile-time constants; the importer
 * then folds these ops into constant tensors (weights in flash) and they never reach the C.
 */
const SHAPE_OPERAND = "(it sets the output shape)";

function outputType(node: Node): DType {
  const code = attrInt(node, "output_datatype", 1);
  const dtype = dtypeFromOnnx(code);
  if (!dtype || !isFloat(dtype)) fail("unsupported-dtype", nodeLabel(node), `output_datatype ${code} must be a float type code (1, 10 or 11)`);
  return dtype;
}

function scalarOf(node: Node, attr: string): number {
  const v = attrInts(node, attr);
  if (v.length !== 1) fail("bad-shape", nodeLabel(node), `${attr} must be a scalar, got ${v.length} values`);
  return v[0]!;
}

/** A cosine-sum window: w[n] = Σ_k a_k·cos(2πkn/N) with N = size (periodic) or size - 1 (symmetric). */
function windowOp(name: string, coefficients: readonly number[]): OpDef {
  const values = (node: Node): Tensor => {
    const size = scalarOf(node, "size");
    if (size < 0 || size > 1 << 24) fail("bad-attribute", nodeLabel(node), `size ${size} must be 0 to ${1 << 24}`);
    const periodic = checkOneOf(node, "periodic", attrInt(node, "periodic", 1), [0, 1]) === 1;
    const period = periodic ? size : size - 1;
    const w = Array.from({ length: size }, (_, n) => coefficients.reduce((s, a, k) => s + a * Math.cos((2 * Math.PI * k * n) / period), 0));
    return Tensor.fromNumbers(outputType(node), [size], w);
  };
  return {
    name,
    family: "signal",
    dataTypes: "float16, float32, float64 (constant size)",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    constInputs: [{ index: 0, attr: "size", reason: SHAPE_OPERAND }],
    infer: (node) => [{ dtype: outputType(node), shape: [scalarOf(node, "size")] }],
    evaluate: (node) => [values(node)],
  };
}

const HannWindow = windowOp("HannWindow", [0.5, -0.5]);
const HammingWindow = windowOp("HammingWindow", [25 / 46, -21 / 46]);
const BlackmanWindow = windowOp("BlackmanWindow", [0.42, -0.5, 0.08]);

/**
 * MelWeightMatrix [dft_length/2 + 1, num_mel_bins]: triangular filters between num_mel_bins + 2
 * edge frequencies spaced evenly on the mel scale (mel = 2595·log10(1 + f/700)) and mapped to FFT
 * bins by floor((dft_length + 1)·f / sample_rate), as the ONNX reference computes it (mel edges in
 * float32, like its float32 operands).
 */
function melWeights(node: Node): Tensor {
  const [bins, dftLength, sampleRate] = ["num_mel_bins", "dft_length", "sample_rate"].map((a) => scalarOf(node, a)) as [number, number, number];
  const [lowHz, highHz] = ["lower_edge_hertz", "upper_edge_hertz"].map((a) => {
    const t = attrTensor(node, a);
    if (t.size !== 1) fail("bad-shape", nodeLabel(node), `${a} must be a scalar`);
    return t.toNumbers()[0]!;
  }) as [number, number];
  if (bins < 1 || dftLength < 1 || sampleRate < 1 || !(lowHz >= 0 && highHz > lowHz)) {
    fail("bad-attribute", nodeLabel(node), `need num_mel_bins, dft_length, sample_rate >= 1 and 0 <= lower_edge_hertz < upper_edge_hertz (got ${bins}, ${dftLength}, ${sampleRate}, ${lowHz}, ${highHz})`);
  }
  const f = Math.fround;
  const mel = (hz: number) => f(2595 * f(Math.log10(f(1 + f(hz / 700)))));
  const lowMel = mel(lowHz);
  const step = f(f(mel(highHz) - lowMel) / (bins + 2));
  const edges = Array.from({ length: bins + 2 }, (_, i) => {
    const hz = 700 * (Math.pow(10, (i * step + lowMel) / 2595) - 1);
    return Math.floor(((dftLength + 1) * hz) / sampleRate);
  });
  const rows = Math.floor(dftLength / 2) + 1;
  const out = new Float64Array(rows * bins);
  const set = (row: number, col: number, v: number) => {
    if (row < 0 || row >= rows) fail("bad-attribute", nodeLabel(node), `upper_edge_hertz ${highHz} maps past the ${rows} spectrogram bins (raise sample_rate or lower the edge)`);
    out[row * bins + col] = v;
  };
  for (let i = 0; i < bins; i++) {
    const [lo, center, hi] = [edges[i]!, edges[i + 1]!, edges[i + 2]!];
    if (center === lo) set(center, i, 1);
    else for (let j = lo; j <= center; j++) set(j, i, (j - lo) / (center - lo));
    for (let j = center; j < hi; j++) set(j, i, (hi - j) / (hi - center));
  }
  return Tensor.fromNumbers(hasAttr(node, "output_datatype") ? outputType(node) : "float32", [rows, bins], out);
}

const MelWeightMatrix: OpDef = {
  name: "MelWeightMatrix",
  family: "signal",
  dataTypes: "float16, float32, float64 (constant operands)",
  inputs: { min: 5, max: 5 },
  outputs: { min: 1, max: 1 },
  constInputs: [
    { index: 0, attr: "num_mel_bins", reason: SHAPE_OPERAND },
    { index: 1, attr: "dft_length", reason: SHAPE_OPERAND },
    { index: 2, attr: "sample_rate" },
    { index: 3, attr: "lower_edge_hertz", asTensor: true },
    { index: 4, attr: "upper_edge_hertz", asTensor: true },
  ],
  infer(node) {
    const t = melWeights(node);
    return [{ dtype: t.dtype, shape: t.shape }];
  },
  evaluate: (node) => [melWeights(node)],
};

registerOps([HannWindow, HammingWindow, BlackmanWindow, MelWeightMatrix]);
