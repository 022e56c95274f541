import { Tensor } from "../ir/tensor.js";
import type { LayerHessian } from "./hessian.js";
import { inverseUpperCholesky } from "./linalg.js";
import { weightScales, type QuantizedWeights } from "./params.js";

/** GPTQ's dampening: this share of the mean diagonal is added to H, so dead inputs do not make it singular. */
export const GPTQ_DAMPENING = 0.01;

/**
 * Int8 weights rounded by GPTQ (Frantar et al. 2022, after Optimal Brain Quantization): the same
 * symmetric scales as round-to-nearest, but the codes of one output row are chosen one input at a
 * time, each rounding error pushed onto the inputs not yet rounded in proportion to their
 * correlation on the calibration data (H^-1), so the row's output W x, not each weight, stays
 * close. `w` holds one output row per index along `axis` (OHWI and [N, K]: axis 0; depthwise
 * [1, KH, KW, C*M]: axis 3); its other axes, in order, must be the Hessian's input order.
 * Returns undefined when H cannot be factorised (the caller rounds to nearest).
 */
export function gptqWeights(w: Tensor, axis: number, perChannel: boolean, hessian: LayerHessian): QuantizedWeights | undefined {
  const values = w.toNumbers();
  const rows = w.shape[axis]!;
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const k = hessian.fanIn;
  if (values.length !== rows * k || rows % hessian.groups.length !== 0) return undefined;
  const scales = weightScales(w, axis, perChannel);
  const perGroup = rows / hessian.groups.length;
  const factors = hessian.groups.map((h) => inverseUpperCholesky(dampened(h, k), k));
  if (factors.some((u) => u === undefined)) return undefined;
  // Element j of row r in `values`: the other axes flattened, outer part first.
  const at = (r: number, j: number) => (Math.floor(j / inner) * rows + r) * inner + (j % inner);
  const codes = new Int8Array(values.length);
  const row = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const u = factors[Math.floor(r / perGroup)]!;
    const s = scales[perChannel ? r : 0]!;
    for (let j = 0; j < k; j++) row[j] = values[at(r, j)]!;
    for (let j = 0; j < k; j++) {
      const ratio = row[j]! / s;
      const q = Math.min(127, Math.max(-127, Math.sign(ratio) * Math.round(Math.abs(ratio))));
      codes[at(r, j)] = q;
      const e = (row[j]! - q * s) / u[j * k + j]!;
      for (let m = j + 1; m < k; m++) row[m]! -= e * u[j * k + m]!;
    }
  }
  return { tensor: new Tensor("int8", w.shape, codes), scales };
}

function dampened(h: Float64Array, k: number): Float64Array {
  const d = Float64Array.from(h);
  let mean = 0;
  for (let i = 0; i < k; i++) mean += h[i * k + i]!;
  mean /= k;
  const damp = GPTQ_DAMPENING * mean > 0 ? GPTQ_DAMPENING * mean : 1;
  for (let i = 0; i < k; i++) {
    // An input that is always zero carries no information: its weight may round either way.
    if (d[i * k + i] === 0) d[i * k + i] = 1;
    d[i * k + i]! += damp;
  }
  return d;
}
