import { Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { convCase, type KernelCase } from "./float-kernels-support.js";

/** Channels-last cases for the blocked NHWC convolution (Conv2DGemmNHWC), from the NCHW ones. */

/** `t` with its axes permuted: output axis k is input axis perm[k]. */
function permuted(t: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => t.shape[p]!);
  const src = t.toNumbers();
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float64Array(src.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let at = 0;
    for (let k = 0; k < shape.length; k++) at += idx[k]! * strides[perm[k]!]!;
    out[i] = src[at]!;
    for (let k = shape.length - 1; k >= 0 && ++idx[k]! === shape[k]!; k--) idx[k] = 0;
  }
  return Tensor.fromNumbers(t.dtype, shape, out);
}

const TO_NHWC = [0, 2, 3, 1];

/**
 * A random Conv2DGemmNHWC case: float-kernels-support.ts's NCHW Conv2DGemm case of `seed` with its
 * input and weight moved to channels-last (x [N, H, W, C], OHWI weights), same numbers.
 */
export function nhwcGemmCase(seed: number, runtimeWeight = false): KernelCase {
  const kc = convCase("Conv2DGemm", seed, runtimeWeight);
  return {
    ...kc,
    label: `Conv2DGemmNHWC from ${kc.label}`,
    blocked: "Conv2DGemmNHWC",
    pack: { op: "PackConv2DWeightsNHWC" },
    attrs: { ...kc.attrs, layout: "NHWC" },
    x: permuted(kc.x, TO_NHWC),
    w: permuted(kc.w, TO_NHWC),
  };
}

/** A 1x1 stride-1 unpadded Conv2DGemmNHWC case (the direct GEMM) of c -> m channels on an h x w image. */
export function nhwcPointwiseCase(seed: number, c: number, m: number, h: number, w: number): KernelCase {
  return {
    label: `Conv2DGemmNHWC 1x1 #${seed} ${c}->${m} on ${h}x${w}`,
    blocked: "Conv2DGemmNHWC",
    pack: { op: "PackConv2DWeightsNHWC" },
    generic: "Conv",
    attrs: { layout: "NHWC" },
    x: randomTensor([1, h, w, c], seed + 1),
    w: randomTensor([m, 1, 1, c], seed + 2),
    b: randomTensor([m], seed + 3),
  };
}
