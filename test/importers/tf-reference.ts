import type { Tensor } from "../../src/ir/tensor.js";
import type { GraphDefMsg } from "../../src/importers/tf/messages.js";
import { GraphDefType } from "../../src/importers/tf/schema.js";
import { tensorFromTf } from "../../src/importers/tf/tensor.js";
/**
 * Naive NHWC reference kernels for the importer tests, written from TensorFlow's definitions
 * (SAME pads the odd cell at the end; depthwise output channel c*M + m).
 */
export interface Conv2dSpec {
  readonly x: readonly number[];
  readonly xShape: readonly [number, number, number, number];
  /** HWIO, or [kh, kw, C, M] when depthwise. */
  readonly w: readonly number[];
  readonly wShape: readonly [number, number, number, number];
  readonly stride: readonly [number, number];
  readonly padding: "SAME" | "VALID";
  readonly depthwise?: boolean;
}

export function samePadBegin(size: number, k: number, s: number): { out: number; begin: number } {
  const out = Math.ceil(size / s);
  const total = Math.max(0, (out - 1) * s + k - size);
  return { out, begin: Math.floor(total / 2) };
}

export function conv2dNhwc(spec: Conv2dSpec): { shape: number[]; data: number[] } {
  const [n, h, w, c] = spec.xShape;
  const [kh, kw, wi, wo] = spec.wShape;
  const outC = spec.depthwise ? c * wo : wo;
  const [sh, sw] = spec.stride;
  const rows = spec.padding === "SAME" ? samePadBegin(h, kh, sh) : { out: Math.floor((h - kh) / sh) + 1, begin: 0 };
  const cols = spec.padding === "SAME" ? samePadBegin(w, kw, sw) : { out: Math.floor((w - kw) / sw) + 1, begin: 0 };
  const data: number[] = [];
  for (let b = 0; b < n; b++) for (let oy = 0; oy < rows.out; oy++) for (let ox = 0; ox < cols.out; ox++) for (let oc = 0; oc < outC; oc++) {
    let acc = 0;
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * sh + ky - rows.begin;
      const ix = ox * sw + kx - cols.begin;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      if (spec.depthwise) {
        const ic = Math.floor(oc / wo);
        const m = oc % wo;
        acc += spec.x[((b * h + iy) * w + ix) * c + ic]! * spec.w[((ky * kw + kx) * wi + ic) * wo + m]!;
      } else {
        for (let ic = 0; ic < c; ic++) acc += spec.x[((b * h + iy) * w + ix) * c + ic]! * spec.w[((ky * kw + kx) * wi + ic) * wo + oc]!;
      }
    }
    data.push(acc);
  }
  return { shape: [n, rows.out, cols.out, outC], data };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= tol + tol * Math.abs(expected[i]!))) throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

/**
 * The mnist-cnn network (conv3x3 SAME + bias + relu + maxpool 2x2, twice, then two dense layers)
 * evaluated naively from the weights in its .pb: returns a function giving the predicted digit.
 */
export function mnistReference(pb: Uint8Array): (x: ArrayLike<number>) => number {
  const graph = GraphDefType.decode(pb) as unknown as GraphDefMsg;
  const weights = new Map<string, Tensor>();
  for (const n of graph.node) if (n.op === "Const") weights.set(n.name!, tensorFromTf(n.attr["value"]!.tensor!, n.name!));
  const w = (name: string) => weights.get(name)!.toArray();
  const [wc1, bc1, wc2, bc2, wf1, bf1, wf2, bf2] = ["WC1", "BC1", "WC2", "BC2", "WF1", "BF1", "WF2", "BF2"].map(w) as number[][];
  const pool2 = (x: number[], h: number, wd: number, ch: number) => {
    const out: number[] = [];
    for (let y = 0; y < h / 2; y++) for (let xx = 0; xx < wd / 2; xx++) for (let k = 0; k < ch; k++) {
      let m = -Infinity;
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) m = Math.max(m, x[((2 * y + dy) * wd + 2 * xx + dx) * ch + k]!);
      out.push(m);
    }
    return out;
  };
  const dense = (x: number[], wt: number[], b: number[], outs: number) =>
    Array.from({ length: outs }, (_, o) => x.reduce((s, v, k) => s + v * wt[k * outs + o]!, 0) + b[o]!);
  return (x) => {
    let a = conv2dNhwc({ x: Array.from(x), xShape: [1, 28, 28, 1], w: wc1!, wShape: [3, 3, 1, 16], stride: [1, 1], padding: "SAME" }).data.map((v, k) => Math.max(0, v + bc1![k % 16]!));
    a = pool2(a, 28, 28, 16);
    a = conv2dNhwc({ x: a, xShape: [1, 14, 14, 16], w: wc2!, wShape: [3, 3, 16, 32], stride: [1, 1], padding: "SAME" }).data.map((v, k) => Math.max(0, v + bc2![k % 32]!));
    a = pool2(a, 14, 14, 32);
    const logits = dense(dense(a, wf1!, bf1!, 32).map((v) => Math.max(0, v)), wf2!, bf2!, 10);
    return logits.indexOf(Math.max(...logits));
  };
}
