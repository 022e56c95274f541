/**
 * Int8 networks built in code with the layer shapes of MCU models that are not in ../shared
 * (issue 15): the MLPerf Tiny anomaly-detection autoencoder (10 fully connected layers,
 * 640-128x4-8-128x4-640, int8 input and output) and, for the depthwise and audio kernels, stacks
 * of depthwise convolutions with non-3x3 kernels. Weights, biases and per-channel scales come from
 * the one seeded generator (src/util/prng.ts); each layer's output scale is set from its fan-in so that activations spread
 * over the int8 range instead of saturating. Used by bench:cortex-m and the QEMU tests.
 */
import { buildGraph, Tensor, type Graph } from "../src/index.js";
import { seededRandom } from "../src/util/prng.js";

type Random = () => number;

const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const ints = (r: Random, n: number, lo: number, hi: number) => Array.from({ length: n }, () => int(r, lo, hi));

/** One layer of a chain; the input of layer i is the output of layer i - 1. */
export type LayerSpec =
  | { readonly kind: "fc"; readonly out: number; readonly relu: boolean }
  /** Reshape to [1, everything]: the rows of a following FC. */
  | { readonly kind: "flatten" }
  | {
      readonly kind: "conv" | "depthwise";
      /** conv: output channels; depthwise: the depth multiplier. */
      readonly out: number;
      readonly kernel: readonly [number, number];
      readonly strides?: readonly [number, number];
      readonly dilations?: readonly [number, number];
      /** "same" pads like TFLite's SAME padding; "valid" none. */
      readonly padding: "same" | "valid";
      readonly relu: boolean;
    };

interface Activation {
  readonly name: string;
  readonly shape: readonly number[];
  readonly scale: number;
  readonly zeroPoint: number;
}

/** SAME padding of one axis: total pad split with the extra pixel at the end. */
function samePads(size: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max(0, (out - 1) * s + (k - 1) * d + 1 - size);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * A chain of int8 layers on an input of `inputShape` (NHWC for convolutions, [rows, K] for FC).
 * Output zero point -128 with act_min -128 after a ReLU (TFLite's fused ReLU), a random one otherwise.
 */
export function int8Chain(name: string, inputShape: readonly number[], layers: readonly LayerSpec[], seed: number): Graph {
  const r = seededRandom(seed);
  const constants = new Map<string, Tensor>();
  const nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, number | number[]> }[] = [];
  let x: Activation = { name: "input", shape: inputShape, scale: 0.05, zeroPoint: int(r, -20, 20) };
  layers.forEach((layer, i) => {
    const c = x.shape[x.shape.length - 1]!;
    const out = i === layers.length - 1 ? "output" : `a${i}`;
    if (layer.kind === "flatten") {
      const size = x.shape.reduce((a, d) => a * d, 1);
      constants.set(`shape${i}`, Tensor.fromNumbers("int64", [2], [1, size]));
      nodes.push({ name: `layer${i}`, op: "Reshape", inputs: [x.name, `shape${i}`], outputs: [out], attrs: {} });
      x = { ...x, name: out, shape: [1, size] };
      return;
    }
    let wShape: number[];
    let outShape: number[];
    let fanIn: number;
    let channels: number;
    const attrs: Record<string, number | number[]> = {};
    if (layer.kind === "fc") {
      wShape = [layer.out, c];
      outShape = [...x.shape.slice(0, -1), layer.out];
      fanIn = c;
      channels = layer.out;
    } else {
      const [n, h, w] = x.shape as [number, number, number, number];
      const [kh, kw] = layer.kernel;
      const [sh, sw] = layer.strides ?? [1, 1];
      const [dh, dw] = layer.dilations ?? [1, 1];
      const [pt, pb] = layer.padding === "same" ? samePads(h, kh, sh, dh) : [0, 0];
      const [pl, pr] = layer.padding === "same" ? samePads(w, kw, sw, dw) : [0, 0];
      const oh = Math.floor((h + pt + pb - ((kh - 1) * dh + 1)) / sh) + 1;
      const ow = Math.floor((w + pl + pr - ((kw - 1) * dw + 1)) / sw) + 1;
      channels = layer.kind === "conv" ? layer.out : c * layer.out;
      wShape = layer.kind === "conv" ? [layer.out, kh, kw, c] : [1, kh, kw, channels];
      outShape = [n, oh, ow, channels];
      fanIn = layer.kind === "conv" ? kh * kw * c : kh * kw;
      Object.assign(attrs, { strides: [sh, sw], dilations: [dh, dw], pads: [pt, pl, pb, pr] });
      if (layer.kind === "depthwise") attrs.depth_multiplier = layer.out;
    }
    const wScale = Array.from({ length: channels }, () => Math.fround(0.004 + 0.004 * r()));
    // Accumulator spread ~ sqrt(fanIn) * 40 (input quanta) * 70 (weight quanta): map it to ~50 output quanta.
    const yScale = Math.fround((x.scale * 0.006 * Math.sqrt(fanIn) * 40 * 70) / 50);
    const yZero = layer.relu ? -128 : int(r, -10, 10);
    const wName = `w${i}`;
    const bName = `b${i}`;
    const size = wShape.reduce((a, d) => a * d, 1);
    constants.set(wName, Tensor.fromNumbers("int8", wShape, ints(r, size, -127, 127)));
    constants.set(bName, Tensor.fromNumbers("int32", [channels], ints(r, channels, -2000, 2000)));
    nodes.push({
      name: `layer${i}`,
      op: layer.kind === "fc" ? "QFullyConnected" : layer.kind === "conv" ? "QConv2D" : "QDepthwiseConv2D",
      inputs: [x.name, wName, bName],
      outputs: [out],
      attrs: {
        ...attrs, x_scale: x.scale, x_zero_point: x.zeroPoint, w_scale: wScale, y_scale: yScale, y_zero_point: yZero,
        ...(layer.relu ? { act_min: -128, act_max: 127 } : {}),
      },
    });
    x = { name: out, shape: outShape, scale: yScale, zeroPoint: yZero };
  });
  return buildGraph({ name, opset: 17, inputs: [{ name: "input", dtype: "int8", dims: [...inputShape] }], outputs: ["output"], constants, nodes });
}

/** Random int8 input bytes for `graph`'s one input. */
export function int8Input(graph: Graph, seed: number): Uint8Array {
  const r = seededRandom(seed);
  const n = graph.inputs[0]!.shape.reduce((a, d) => a * d, 1);
  return Uint8Array.from(ints(r, n, -128, 127).map((v) => v & 0xff));
}

/** MLPerf Tiny AD: 640 -> 128 x4 -> 8 -> 128 x4 -> 640, ReLU after every layer but the last. */
export function anomalyDetectionAutoencoder(): Graph {
  const widths = [128, 128, 128, 128, 8, 128, 128, 128, 128, 640];
  return int8Chain("ad_autoencoder", [1, 640], widths.map((out, i) => ({ kind: "fc", out, relu: i < widths.length - 1 })), 15001);
}

/**
 * FC layers with every tail of the packed DSP kernel: 3 rows, K = 37, 13, 6, 70 (K % 4 = 1, 1, 2, 2;
 * 9, 3, 1, 17 groups of 4 k) and O = 13, 6, 70, 5 (O % 4 = 1, 2, 2, 1).
 */
export function fullyConnectedTails(): Graph {
  return int8Chain("fc_tails", [3, 37], [13, 6, 70, 5].map((out, i) => ({ kind: "fc", out, relu: i < 3 })), 15005);
}

const dw = (kernel: [number, number], strides: [number, number] = [1, 1], dilations: [number, number] = [1, 1]): LayerSpec =>
  ({ kind: "depthwise", out: 1, kernel, strides, dilations, padding: "same", relu: true });
const pointwise = (out: number): LayerSpec => ({ kind: "conv", out, kernel: [1, 1], padding: "valid", relu: true });

/** Depthwise 3x1, 5x5 and 7x7 at stride 1 (32 channels, 24x24). */
export function depthwiseStride1(): Graph {
  return int8Chain("dw_3x1_5x5_7x7_s1", [1, 24, 24, 32], [dw([3, 1]), dw([5, 5]), dw([7, 7])], 15002);
}

/** Depthwise 3x1, 5x5 and 7x7 at stride 2 (32 channels, 48x48 down to 6x6). */
export function depthwiseStride2(): Graph {
  return int8Chain("dw_3x1_5x5_7x7_s2", [1, 48, 48, 32], [dw([3, 1], [2, 2]), dw([5, 5], [2, 2]), dw([7, 7], [2, 2])], 15003);
}

/**
 * Shaped like the MLPerf Tiny streaming wake word model: input 1x30x1x40 (time x 1 x features),
 * a 1xN conv, four depthwise layers with Nx1 kernels (one dilated, one strided) each followed by a
 * pointwise conv, and a fully connected classifier.
 */
export function streamingWakeWord(): Graph {
  return int8Chain("streaming_wake_word_like", [1, 30, 1, 40], [
    { kind: "conv", out: 64, kernel: [3, 1], padding: "same", relu: true },
    dw([5, 1]), pointwise(64),
    dw([5, 1], [1, 1], [2, 1]), pointwise(64),
    dw([7, 1], [2, 1]), pointwise(64),
    dw([3, 1]), pointwise(64),
    { kind: "flatten" },
    { kind: "fc", out: 3, relu: false },
  ], 15004);
}
