import { Tensor } from "../ir/tensor.js";
import type { LayerHessian } from "./hessian.js";
import { inverseUpperCholesky } from "./linalg.js";
import { weightScales, type QuantizedWeights } from "./params.js";

/** Least dampening (GPTQ's): this share of H is replaced by its mean diagonal, so dead inputs do not make it singular. */
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
  const share = Math.max(GPTQ_DAMPENING, k / (k + hessian.vectors));
  const factors = hessian.groups.map((h) => inverseUpperCholesky(dampened(h, k, share), k));
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

/**
 * (1 - share) H + share * mean(diag H) * I: H estimated from few input vectors (the last layers of
 * a CNN over a handful of images see a few hundred patches of a few hundred inputs) describes the
 * calibration inputs, not the inputs to come, and rounding that fits it exactly moves the error
 * into the directions it never saw. Shrinking towards the diagonal in proportion to K / (K + N)
 * (a covariance shrinkage estimator's weight) keeps GPTQ's gain where H is well estimated.
 */
function dampened(h: Float64Array, k: number, share: number): Float64Array {
  let mean = 0;
  for (let i = 0; i < k; i++) mean += h[i * k + i]!;
  mean /= k;
  const d = h.map((v) => (1 - share) * v);
  const damp = share * mean > 0 ? share * mean : 1;
  for (let i = 0; i < k; i++) {
    // An input that is always zero carries no information: its weight may round either way.
    if (d[i * k + i] === 0) d[i * k + i] = 1;
    d[i * k + i]! += damp;
  }
  return d;
}
