import type { Graph, Node } from "../src/ir/graph.js";
import { egret } from "../src/index.js";
import { seededRandom } from "../src/util/prng.js";
import { Tensor } from "../src/ir/tensor.js";
import type { Sample } from "../src/quantize/calibrate.js";

/**
 * Constructed stand-ins for two MLPerf Tiny networks that are not in the corpus (issue 14): the
 * anomaly-detection FC autoencoder 640-128x4-8-128x4-640 (Dense + BatchNorm + ReLU) and the visual
 * wake words MobileNetV1-0.25 at 96x96x3 (depthwise-separable, BatchNorm + ReLU6). Weights are
 * He-normal from a fixed seed; each BatchNorm is fitted to the layer's pre-activations on a
 * "training" set and folded into the weights, with gamma log-normal and beta normal, as a trained
 * network's folded BatchNorm leaves them: per-channel output scales spread over an order of
 * magnitude, about half of the ReLU outputs zero and a share of the ReLU6 outputs saturated at 6.
 * Training, calibration and evaluation inputs come from the same generator with different seeds.
 */
export interface SyntheticCase {
  readonly name: string;
  readonly floatGraph: Graph;
  readonly calib: Sample[];
  readonly evalSet: Sample[];
}

/** Seeded normal and uniform draws (src/util/prng.ts's mulberry32 + Box-Muller): the same seed, the same network. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  uniform(): number {
    return this.next();
  }
  normal(): number {
    const u = Math.max(this.uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** One node evaluated by the op registry (the reference evaluator), outside any graph. */
function apply(op: string, inputs: readonly Tensor[], attrs: Node["attrs"] = {}): Tensor {
  const node: Node = { name: op, op, inputs: inputs.map((_, i) => `i${i}`), outputs: ["y"], attrs };
  return egret.toolchain.ops.get(op)!.evaluate(node, [...inputs])[0]!;
}

/** Per-channel mean and standard deviation of `ts` along axis 1 ([N, C] or [N, C, H, W]). */
function channelMoments(ts: readonly Tensor[]): { mean: Float64Array; std: Float64Array } {
  const c = ts[0]!.shape[1]!;
  const inner = ts[0]!.shape.slice(2).reduce((a, b) => a * b, 1);
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  let n = 0;
  for (const t of ts) {
    const d = t.toNumbers();
    for (let i = 0; i < d.length; i++) {
      const ch = Math.floor(i / inner) % c;
      sum[ch]! += d[i]!;
      sq[ch]! += d[i]! * d[i]!;
    }
    n += d.length / c;
  }
  const mean = sum.map((s) => s / n);
  return { mean, std: sq.map((s, ch) => Math.sqrt(Math.max(s / n - mean[ch]! ** 2, 1e-8))) };
}

/** The folded BatchNorm of output channel `c`: the channel's scale (gamma) and offset (beta). */
type Fold = (c: number) => { readonly gamma: number; readonly beta: number };

/** A trained network's BatchNorms: gamma log-normal around `median`, beta normal. */
function batchNormDraw(rng: Rng, median: number, spread: number, betaMean: number, betaStd: number): Fold {
  return () => ({ gamma: median * Math.exp(spread * rng.normal()), beta: betaMean + betaStd * rng.normal() });
}

/** Training input vectors each aligned weight row mixes. */
const ALIGN_VECTORS = 32;

/** Incrementally built graph whose BatchNorms are fitted on the running "training" activations. */
class NetBuilder {
  readonly nodes: Node[] = [];
  readonly constants = new Map<string, Tensor>();
  private count = 0;
  constructor(
    private readonly rng: Rng,
    /** The current tensor's name and its value on every training input. */
    public current: string,
    public train: Tensor[],
  ) {}

  private param(hint: string, t: Tensor): string {
    const name = `${hint}_${this.count++}`;
    this.constants.set(name, t);
    return name;
  }

  /**
   * A Conv or Gemm (`op`) with weights `shape` (aligned with the data for 1x1 and dense layers, a
   * smoothing kernel plus noise for depthwise ones, He-normal otherwise), then a BatchNorm fitted to
   * its output on the training activations and folded into weights and bias (`fold` gives each
   * channel's gamma and beta), then `activation` (a separate node: the optimizer fuses it).
   */
  layer(op: "Conv" | "Gemm", shape: readonly number[], attrs: Node["attrs"], fold: Fold, activation: "Relu" | "Relu6" | undefined): void {
    const fanIn = op === "Gemm" ? shape[1]! : shape.slice(1).reduce((a, b) => a * b, 1);
    const size = shape.reduce((a, b) => a * b, 1);
    const pointwise = op === "Gemm" || (shape[2] === 1 && shape[3] === 1);
    const w = pointwise ? this.alignedWeights(shape[0]!, shape[1]!) : Array.from({ length: size }, () => this.rng.normal() * Math.sqrt(2 / fanIn));
    // Trained depthwise kernels pass low frequencies (a smoothing component with a per-channel
    // sign); zero-mean random ones would be derivative filters that amplify only noise.
    if (op === "Conv" && shape[1] === 1 && shape[2] === 3) {
      for (let c = 0; c < shape[0]!; c++) {
        const sign = this.rng.uniform() < 0.8 ? 1 : -1;
        for (let i = 0; i < 9; i++) w[c * 9 + i] = sign * (i === 4 ? 0.4 : i % 2 === 0 ? 0.05 : 0.1) + 0.1 * w[c * 9 + i]!;
      }
    }
    const channels = shape[0]!;
    const gemmAttrs = op === "Gemm" ? { transB: 1 } : attrs;
    const raw = this.train.map((x) => apply(op, [x, Tensor.fromNumbers("float32", shape, w)], gemmAttrs));
    const bias = new Float64Array(channels);
    const { mean, std } = channelMoments(raw);
    const per = size / channels;
    for (let c = 0; c < channels; c++) {
      const { gamma, beta } = fold(c);
      const k = gamma / std[c]!;
      for (let i = 0; i < per; i++) w[c * per + i]! *= k;
      bias[c] = beta - mean[c]! * k;
    }
    const wT = Tensor.fromNumbers("float32", shape, w);
    const bT = Tensor.fromNumbers("float32", [channels], bias);
    const out = `${op.toLowerCase()}${this.count}`;
    const inputs = [this.current, this.param("w", wT), this.param("b", bT)];
    this.nodes.push({ name: out, op, inputs, outputs: [out], attrs: gemmAttrs });
    this.train = this.train.map((x) => apply(op, [x, wT, bT], gemmAttrs));
    this.current = out;
    if (activation) this.activate(activation);
  }

  /**
   * Weights in the span of the input's variation (each row a random mix of centred training input
   * vectors), as training aligns them: noise orthogonal to the data is not amplified layer after
   * layer, as it would be by random directions once every BatchNorm rescales the signal to unit size.
   */
  private alignedWeights(rows: number, cols: number): number[] {
    const vectors: Float64Array[] = [];
    for (const t of this.train) {
      const d = t.toNumbers();
      const positions = d.length / cols;
      for (let k = 0; k < Math.max(1, Math.floor(ALIGN_VECTORS / this.train.length)); k++) {
        const p = Math.floor(this.rng.uniform() * positions);
        vectors.push(Float64Array.from({ length: cols }, (_, c) => d[c * positions + p]!));
      }
    }
    const mean = new Float64Array(cols);
    for (const v of vectors) v.forEach((x, c) => (mean[c]! += x / vectors.length));
    const w = new Array<number>(rows * cols).fill(0);
    for (let r = 0; r < rows; r++) {
      for (const v of vectors) {
        const g = this.rng.normal();
        for (let c = 0; c < cols; c++) w[r * cols + c]! += g * (v[c]! - mean[c]!);
      }
    }
    return w;
  }

  activate(kind: "Relu" | "Relu6" | "Softmax"): void {
    const out = `${kind.toLowerCase()}${this.count++}`;
    const attrs = kind === "Relu6" ? { min: 0, max: 6 } : kind === "Softmax" ? { axis: -1 } : {};
    const op = kind === "Relu6" ? "Clip" : kind;
    this.nodes.push({ name: out, op, inputs: [this.current], outputs: [out], attrs });
    this.train = this.train.map((x) => apply(op, [x], attrs));
    this.current = out;
  }

  plain(op: string, attrs: Node["attrs"]): void {
    const out = `${op.toLowerCase()}${this.count++}`;
    this.nodes.push({ name: out, op, inputs: [this.current], outputs: [out], attrs });
    this.train = this.train.map((x) => apply(op, [x], attrs));
    this.current = out;
  }

  graph(name: string, input: string, inputShape: readonly number[]): Graph {
    return egret.buildGraph({ name, opset: 11, inputs: [{ name: input, dtype: "float32", dims: inputShape }], outputs: [this.current], constants: this.constants, nodes: this.nodes });
  }
}

/**
 * Log-mel-like frames: 5 frames x 128 mel bins flattened to 640 (the MLPerf AD input), in dB: a
 * falling spectral envelope, a per-clip smooth tilt and ripple, frame-to-frame drift and noise.
 */
function melFrames(rng: Rng, count: number): Tensor[] {
  return Array.from({ length: count }, () => {
    const level = -25 + 6 * rng.normal();
    const ripple = Array.from({ length: 4 }, () => [3 * rng.normal(), 2 * Math.PI * rng.uniform()] as const);
    const v = new Float32Array(640);
    for (let t = 0; t < 5; t++) {
      const drift = 1.5 * rng.normal();
      for (let f = 0; f < 128; f++) {
        const env = level - 25 * (f / 128) + ripple.reduce((a, [amp, ph], k) => a + amp * Math.cos(((k + 1) * Math.PI * f) / 128 + ph), 0);
        v[t * 128 + f] = env + drift + 2 * rng.normal();
      }
    }
    return new Tensor("float32", [1, 640], v);
  });
}

/**
 * MLPerf Tiny anomaly detection's FC autoencoder, 640-128x4-8-128x4-640: every hidden Dense with a
 * folded BatchNorm and ReLU, the output Dense linear with the training mean as bias (a trained
 * autoencoder's output is the input's mean plus the reconstructed variation).
 */
export function autoencoderCase(calibCount = 16, evalCount = 64): SyntheticCase {
  const rng = new Rng(14001);
  const train = melFrames(new Rng(1), 128);
  const b = new NetBuilder(rng, "x", train);
  const bn = batchNormDraw(rng, 1, 0.5, 0, 0.5);
  const widths = [128, 128, 128, 128, 8, 128, 128, 128, 128];
  let inDim = 640;
  for (const width of widths) {
    b.layer("Gemm", [width, inDim], {}, bn, "Relu");
    inDim = width;
  }
  // The output reconstructs each input feature with its training mean and spread.
  const { mean, std } = channelMoments(train);
  b.layer("Gemm", [640, inDim], {}, (c) => ({ gamma: std[c]!, beta: mean[c]! }), undefined);
  return { name: "AD autoencoder (constructed)", floatGraph: b.graph("ad_autoencoder", "x", [1, 640]), calib: melFrames(new Rng(2), calibCount).map((t) => [t]), evalSet: melFrames(new Rng(3), evalCount).map((t) => [t]) };
}

/** Image-like inputs in [-1, 1] (MobileNet's scaling): smooth colour blobs, a gradient, fine noise. */
function images(rng: Rng, count: number, size: number): Tensor[] {
  return Array.from({ length: count }, () => {
    const blobs = Array.from({ length: 6 }, () => ({ y: rng.uniform() * size, x: rng.uniform() * size, r: (0.08 + 0.3 * rng.uniform()) * size, c: [rng.uniform(), rng.uniform(), rng.uniform()] }));
    const base = [rng.uniform(), rng.uniform(), rng.uniform()];
    const gy = 0.4 * (rng.uniform() - 0.5);
    const v = new Float32Array(3 * size * size);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          let p = base[c]! * 0.5 + gy * (y / size - 0.5);
          for (const bl of blobs) p += 0.6 * (bl.c[c]! - 0.5) * Math.exp(-((y - bl.y) ** 2 + (x - bl.x) ** 2) / (2 * bl.r * bl.r));
          p += 0.04 * rng.normal();
          v[(c * size + y) * size + x] = 2 * Math.min(1, Math.max(0, p + 0.25)) - 1;
        }
      }
    }
    return new Tensor("float32", [1, 3, size, size], v);
  });
}

/**
 * Visual wake words' MobileNetV1 with width 0.25 (MLPerf Tiny VWW): a 3x3/2 conv to 8 channels,
 * 13 depthwise-separable blocks (3x3 depthwise + 1x1 pointwise, each with folded BatchNorm and
 * ReLU6) to 256 channels, global average pooling, a 2-class Dense and Softmax. `size` is the input
 * side (96 in VWW; smaller keeps unit tests fast with the same layer structure).
 */
export function mobilenetCase(size = 96, calibCount = 8, evalCount = 8): SyntheticCase {
  const rng = new Rng(14002);
  const b = new NetBuilder(rng, "image", images(new Rng(4), 4, size));
  const bn = batchNormDraw(rng, 0.6, 0.9, 0.3, 0.5);
  const same = (stride: number) => ({ strides: [stride, stride], pads: [1, 1, 1, 1] });
  b.layer("Conv", [8, 3, 3, 3], same(2), bn, "Relu6");
  const blocks: [number, number][] = [[16, 1], [32, 2], [32, 1], [64, 2], [64, 1], [128, 2], [128, 1], [128, 1], [128, 1], [128, 1], [128, 1], [256, 2], [256, 1]];
  let ch = 8;
  for (const [out, stride] of blocks) {
    b.layer("Conv", [ch, 1, 3, 3], { ...same(stride), group: ch }, bn, "Relu6");
    b.layer("Conv", [out, ch, 1, 1], {}, bn, "Relu6");
    ch = out;
  }
  b.plain("GlobalAveragePool", {});
  b.plain("Flatten", { axis: 1 });
  // Logits with a spread of about 2: the two classes are neither certain nor tied.
  b.layer("Gemm", [2, ch], {}, () => ({ gamma: 2, beta: 0 }), undefined);
  b.activate("Softmax");
  return { name: "VWW MobileNetV1-0.25 (constructed)", floatGraph: b.graph("vww_mobilenet", "image", [1, 3, size, size]), calib: images(new Rng(5), calibCount, size).map((t) => [t]), evalSet: images(new Rng(6), evalCount, size).map((t) => [t]) };
}
