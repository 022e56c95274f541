/**
 * Resize as a sequence of separable 1-D passes, each described by a tap table computed at compile
 * time. Both the evaluator and the C kernel (runtime-c/kernels/resize_f32) only apply the tables,
 * so every coordinate transformation and rounding rule lives here, once.
 *
 * The rules follow the ONNX reference implementation (onnx/backend/test/case/node/resize.py):
 * the source coordinate x_ori of output index x is computed in float64 with
 * `scale * input_length` as the output length (not the rounded size); interpolation reads the
 * neighbours of x_ori with edge clamping, preferring the left one (a ratio in (0, 1]).
 */

export type ResizeMode = "nearest" | "linear" | "cubic";
export type CoordinateMode = "half_pixel" | "half_pixel_symmetric" | "pytorch_half_pixel" | "align_corners" | "asymmetric" | "tf_half_pixel_for_nn" | "tf_crop_and_resize";
export type NearestMode = "round_prefer_floor" | "round_prefer_ceil" | "floor" | "ceil";

export interface ResizeConfig {
  readonly mode: ResizeMode;
  readonly coordinate: CoordinateMode;
  readonly nearest: NearestMode;
  readonly cubicA: number;
  readonly excludeOutside: boolean;
  readonly extrapolation: number;
  /** Opset 18: linear and cubic downsampling widen their filter by 1 / scale. */
  readonly antialias: boolean;
}

/**
 * One 1-D pass along `axis`: the data is viewed as [outer, inLen, inner] -> [outer, outLen, inner]
 * and output position j is `sum_t weights[j*taps+t] * in[indices[j*taps+t]]`. Indices are
 * clamped into [0, inLen); `indices[j*taps] === -1` marks an output that takes the
 * extrapolation value (tf_crop_and_resize outside the crop).
 */
export interface AxisPass {
  readonly axis: number;
  readonly inLen: number;
  readonly outLen: number;
  readonly taps: number;
  readonly indices: Int32Array;
  readonly weights: Float64Array;
}

/** Per-axis parameters: the output length, the scale used in coordinates, the roi crop. */
export interface AxisGeometry {
  readonly inLen: number;
  readonly outLen: number;
  readonly scale: number;
  readonly roiStart: number;
  readonly roiEnd: number;
}

/** Source coordinate of output index x, or undefined when it falls outside the crop. */
function sourceCoordinate(cfg: ResizeConfig, g: AxisGeometry, x: number): number | undefined {
  const outWidth = g.scale * g.inLen;
  switch (cfg.coordinate) {
    case "half_pixel": return (x + 0.5) / g.scale - 0.5;
    case "half_pixel_symmetric": {
      // Opset 19: centres the sampled window when the integer output length rounds the scale.
      const adjustment = g.outLen / outWidth;
      return (g.inLen / 2) * (1 - adjustment) + (x + 0.5) / g.scale - 0.5;
    }
    case "pytorch_half_pixel": return outWidth === 1 ? -0.5 : (x + 0.5) / g.scale - 0.5;
    case "align_corners": return outWidth === 1 ? 0 : (x * (g.inLen - 1)) / (outWidth - 1);
    case "asymmetric": return x / g.scale;
    case "tf_half_pixel_for_nn": return (x + 0.5) / g.scale;
    case "tf_crop_and_resize": {
      const span = (g.roiEnd - g.roiStart) * (g.inLen - 1);
      const c = (outWidth === 1 ? span / 2 : (x * span) / (outWidth - 1)) + g.roiStart * (g.inLen - 1);
      return c < 0 || c > g.inLen - 1 ? undefined : c;
    }
  }
}

function nearestIndex(mode: NearestMode, c: number): number {
  if (Number.isInteger(c)) return c;
  const f = Math.floor(c);
  const r = c - f;
  switch (mode) {
    case "round_prefer_floor": return r <= 0.5 ? f : f + 1;
    case "round_prefer_ceil": return r < 0.5 ? f : f + 1;
    case "floor": return f;
    case "ceil": return f + 1;
  }
}

/** Keys cubic convolution weights for the 4 neighbours at distances 1+r, r, 1-r, 2-r. */
function cubicWeights(r: number, a: number): number[] {
  const s = 1 - r;
  return [
    ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
    ((a + 2) * r - (a + 3)) * r * r + 1,
    ((a + 2) * s - (a + 3)) * s * s + 1,
    ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a,
  ];
}

/** Keys cubic kernel at distance x (the antialiased filter samples it at scaled distances). */
function keys(x: number, a: number): number {
  const d = Math.abs(x);
  if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

/**
 * The antialiased filter (opset 18) at ratio r: the linear (tent) or cubic kernel stretched by
 * 1 / scale when downsampling, sampled at the taps base + start ... and normalised to sum 1.
 * `start` is the first tap's offset from the left neighbour; the footprint is 2 - 2 * start.
 */
function antialiasWeights(mode: "linear" | "cubic", r: number, scale: number, a: number): { start: number; weights: number[] } {
  const s = Math.min(scale, 1);
  const start = Math.floor((mode === "linear" ? -1 : -2) / s) + 1;
  const weights: number[] = [];
  for (let i = start; i < 2 - start; i++) {
    const arg = (i - r) * s;
    weights.push(mode === "linear" ? Math.min(1, Math.max(0, 1 - Math.abs(arg))) : keys(arg, a));
  }
  const sum = weights.reduce((t, w) => t + w, 0);
  return { start, weights: weights.map((w) => w / sum) };
}

/** Taps per output element: 1 nearest, 2 linear, 4 cubic; antialiased downsampling widens them. */
function tapCount(cfg: ResizeConfig, g: AxisGeometry): number {
  if (cfg.mode === "nearest") return 1;
  if (cfg.antialias) return antialiasWeights(cfg.mode, 0.5, g.scale, cfg.cubicA).weights.length;
  return cfg.mode === "linear" ? 2 : 4;
}

/** The tap table of one axis. */
export function axisPass(cfg: ResizeConfig, axis: number, g: AxisGeometry): AxisPass {
  const taps = tapCount(cfg, g);
  const indices = new Int32Array(g.outLen * taps);
  const weights = new Float64Array(g.outLen * taps);
  const clamp = (i: number) => Math.min(g.inLen - 1, Math.max(0, i));
  for (let x = 0; x < g.outLen; x++) {
    const c = sourceCoordinate(cfg, g, x);
    const at = x * taps;
    if (c === undefined) {
      indices.fill(-1, at, at + taps);
      continue;
    }
    if (cfg.mode === "nearest") {
      indices[at] = clamp(nearestIndex(cfg.nearest, c));
      weights[at] = 1;
      continue;
    }
    // The left neighbour, with ratio r in (0, 1]: an integer coordinate is its left's right end.
    const base = Number.isInteger(c) ? c - 1 : Math.floor(c);
    const r = c - base;
    let first = cfg.mode === "linear" ? base : base - 1;
    let w = cfg.mode === "linear" ? [1 - r, r] : cubicWeights(r, cfg.cubicA);
    if (cfg.antialias) {
      const aa = antialiasWeights(cfg.mode, r, g.scale, cfg.cubicA);
      first = base + aa.start;
      w = aa.weights;
    }
    if (cfg.excludeOutside) {
      for (let t = 0; t < taps; t++) if (first + t < 0 || first + t >= g.inLen) w[t] = 0;
      const sum = w.reduce((s, v) => s + v, 0);
      for (let t = 0; t < taps; t++) w[t] = w[t]! / sum;
    }
    for (let t = 0; t < taps; t++) {
      indices[at + t] = clamp(first + t);
      weights[at + t] = w[t]!;
    }
  }
  return { axis, inLen: g.inLen, outLen: g.outLen, taps, indices, weights };
}

/** True when the pass maps every output index to the same input index with weight exactly 1. */
export function isIdentityPass(p: AxisPass): boolean {
  if (p.inLen !== p.outLen) return false;
  for (let x = 0; x < p.outLen; x++) {
    let own = 0;
    for (let t = 0; t < p.taps; t++) {
      const i = p.indices[x * p.taps + t]!;
      const w = p.weights[x * p.taps + t]!;
      if (i === x) own += w;
      else if (w !== 0 || i < 0) return false;
    }
    if (own !== 1) return false;
  }
  return true;
}

/** Applies one pass in float64 (the evaluator's half of the contract with the C kernel). */
export function applyPass(src: Float64Array, shape: readonly number[], p: AxisPass, extrapolation: number): Float64Array {
  const outer = shape.slice(0, p.axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(p.axis + 1).reduce((a, b) => a * b, 1);
  const dst = new Float64Array(outer * p.outLen * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < p.outLen; j++) {
      const row = (o * p.outLen + j) * inner;
      if (p.indices[j * p.taps]! < 0) {
        dst.fill(extrapolation, row, row + inner);
        continue;
      }
      for (let t = 0; t < p.taps; t++) {
        const w = p.weights[j * p.taps + t]!;
        const from = (o * p.inLen + p.indices[j * p.taps + t]!) * inner;
        for (let k = 0; k < inner; k++) dst[row + k] = dst[row + k]! + w * src[from + k]!;
      }
    }
  }
  return dst;
}
