/**
 * uint8 quantisation of one float convolution into a KPU layer with the KPU's own parameterisation
 * (K210-KPU.md §3.6): affine uint8 maps, per-channel-equalised uint8 weights, conv offsets in
 * arg_x/arg_w/arg_add, per-channel batch-norm multipliers, and a 16-segment activation table.
 *
 * Conventions: a real value r and its code q relate by r = (q − zp)·scale (scale = (max − min)/255,
 * nncase's s is 1/scale). With the §3.6 conv registers the accumulator is exactly
 * acc = Σ(x − zp_x)(w − zp_w) = e_o·Σ x_real·w_real / (scale_x·scale_w).
 *
 * Deliberate difference from nncase v0.2 (same registers, other split of one product): nncase puts
 * all precision into the BN multiplier (v ≈ y·s_y·2^up) and leaves the activation slope as small as
 * 2^-up, so its 16-bit slope can keep only a few significant bits. Here the BN output scale s_act is
 * chosen so that the relative rounding errors of the BN multiplier (22 bits, shift ≤ 15) and of the
 * activation slope (16 bits, shift ≤ 20) are balanced.
 */
import { fail } from "../../src/errors.js";
import { emptyLayerArgument, type ActivationSegment, type BatchNormEntry, type KpuLayer } from "./kpu-layer.js";
import { layerRegisterFields, type KpuConvGeometry } from "./legality.js";

/** Real-valued range of a tensor seen during calibration. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** Affine uint8 quantisation: r = (q − zeroPoint)·scale. */
export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** nncase's range fix-up (§3.6 v0.2): clamp to ±1000, at least 0.01 wide, contains 0. */
export function fixupRange(r: Range): Range {
  let min = Math.max(-1000, Math.min(r.min, 0));
  let max = Math.min(1000, Math.max(r.max, 0));
  if (max - min < 0.01) max = min + (max - min === 0 ? 0.1 : 0.01);
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [-6, 6];
  return { min, max };
}

/** uint8 parameters of a (fixed-up) range; the scale is rounded to float32, as the C stores it. */
export function qparamsOf(r: Range): QParams {
  const f = fixupRange(r);
  const scale = Math.fround((f.max - f.min) / 255);
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-f.min / scale))) };
}

/** Fixed-point (§3.6 `get_fixed_mul`): value ≈ mul·2^-shift with |mul| < 2^(bits−1), 0 ≤ shift ≤ maxShift. */
export function fixedMul(value: number, bits: number, maxShift: number): { mul: number; shift: number } {
  if (value === 0) return { mul: 0, shift: 0 };
  const limit = 2 ** (bits - 1) - 1;
  const e = Math.floor(Math.log2(Math.abs(value))) + 1; // value = m·2^e, 0.5 ≤ |m| < 1
  const shift = Math.max(0, Math.min(maxShift, bits - 1 - e));
  const mul = Math.round(value * 2 ** shift);
  if (Math.abs(mul) > limit) {
    if (shift === 0) fail("internal", "KPU quantisation", `multiplier ${value} does not fit ${bits} signed bits`);
    return { mul: Math.sign(mul) * limit, shift };
  }
  return { mul, shift };
}

/** The float conv to quantise: OIHW weights (depthwise: [C][1][k][k]), bias, fused activation. */
export interface FloatConv {
  readonly geometry: KpuConvGeometry;
  readonly weightsOIHW: Float64Array;
  readonly bias: Float64Array;
  /** Piecewise-linear pieces of the activation (see `activationPieces`). */
  readonly pieces: readonly Piece[];
}

/** One linear piece of the activation f, valid from `start` (−∞ for the first) with slope `slope`. */
export interface Piece {
  readonly start: number;
  readonly slope: number;
  /** f(start), or for the first piece (start −∞) f at the next piece's start (or at 0 if none). */
  readonly value: number;
}

/** Pieces of identity / Relu / Relu6 / Clip / LeakyRelu (the KPU_ACTIVATIONS). */
export function activationPieces(kind: string | undefined, alpha: number, beta: number): Piece[] {
  switch (kind) {
    case undefined:
      return [{ start: -Infinity, slope: 1, value: 0 }];
    case "Relu":
      return [{ start: -Infinity, slope: 0, value: 0 }, { start: 0, slope: 1, value: 0 }];
    case "Relu6":
      return [{ start: -Infinity, slope: 0, value: 0 }, { start: 0, slope: 1, value: 0 }, { start: 6, slope: 0, value: 6 }];
    case "Clip":
      return [{ start: -Infinity, slope: 0, value: alpha }, { start: alpha, slope: 1, value: alpha }, { start: beta, slope: 0, value: beta }];
    case "LeakyRelu":
      return [{ start: -Infinity, slope: alpha, value: 0 }, { start: 0, slope: 1, value: 0 }];
    default:
      return fail("internal", "KPU quantisation", `activation ${kind} has no piecewise-linear form`);
  }
}

/** Below this X no v ever falls (|v| < 2^35, §3.2); segment 0 sits here (nncase: X_0 = −2^35). */
const X_MIN = -(2 ** 35);
const X_MAX = 2 ** 35 - 1;

/**
 * The activation table (§2.2, §3.3) for pieces of f, with v = y_real·sAct on input and output codes
 * z = clamp(round(f(y)/out.scale) + out.zeroPoint). Each rising piece starts where its code is an
 * integer, so only the slope rounding and X's rounding (≤ 0.5 in v) remain.
 */
export function activationTable(pieces: readonly Piece[], sAct: number, out: QParams): ActivationSegment[] {
  const code = (y: number) => y / out.scale + out.zeroPoint;
  const segs: ActivationSegment[] = [{ xStart: X_MIN, yMul: 0, shiftNumber: 0, bias: 0 }];
  pieces.forEach((p, i) => {
    const slope = fixedMul((p.slope * sAct ** -1) / out.scale, 16, 20);
    const next = pieces[i + 1]?.start ?? Infinity;
    let start = p.start;
    let startCode: number;
    if (start === -Infinity) {
      if (p.slope === 0) {
        segs.push({ xStart: X_MIN + 1, yMul: 0, shiftNumber: 0, bias: clampCode(Math.round(code(p.value))) });
        return;
      }
      // A rising first piece: start where its code reaches 0 (below that, segment 0 gives 0).
      const anchor = Number.isFinite(next) ? next : 0;
      start = anchor - (code(p.value) - 0) * out.scale / p.slope;
      startCode = 0;
    } else {
      startCode = code(p.value);
    }
    if (p.slope > 0 && startCode < 0) {
      start += (0 - startCode) * out.scale / p.slope;
      startCode = 0;
    }
    if (start >= next) return;
    let bias = Math.round(startCode);
    if (p.slope > 0) {
      bias = Math.ceil(startCode - 1e-9);
      start += (bias - startCode) * out.scale / p.slope;
    }
    const x = Math.min(X_MAX - 16, Math.max(X_MIN + 1, Math.round(start * sAct)));
    segs.push({ xStart: x, yMul: slope.mul, shiftNumber: slope.shift, bias: clampCode(bias) });
  });
  if (segs.length > 16) fail("internal", "KPU quantisation", `${segs.length} activation segments, the KPU has 16`);
  // Unused segments start beyond any v (nncase's "dummy" segments, §3.6), in increasing order.
  while (segs.length < 16) segs.push({ xStart: X_MAX - 16 + segs.length, yMul: 0, shiftNumber: 0, bias: 0 });
  return segs;
}

const clampCode = (q: number) => Math.min(255, Math.max(0, q));

/** The quantised layer and the parameters of its uint8 input and output maps. */
export interface QuantizedKpuLayer {
  readonly layer: KpuLayer;
  readonly input: QParams;
  readonly output: QParams;
}

/**
 * Quantises one conv: `inRange` is the calibrated range of its input, `outRange` of its
 * (activated, pooled) output. Addresses (image_src/dst) are 0: the caller places the maps.
 * `inputQ` fixes the input's quantisation instead (a uint8 model input: its meaning is given).
 */
export function quantizeKpuConv(conv: FloatConv, inRange: Range, outRange: Range, inputQ?: QParams): QuantizedKpuLayer {
  const g = conv.geometry;
  const input = inputQ ?? qparamsOf(inRange);
  const output = qparamsOf(outRange);
  const perChannel = g.depthwise ? g.kernel * g.kernel : g.kernel * g.kernel * g.inChannels;
  // §3.6 Weights 1-2: equalise channel ranges against the whole-tensor range.
  const whole = fixupRange(rangeOf(conv.weightsOIHW, 0, conv.weightsOIHW.length));
  const equal = new Float64Array(g.outChannels);
  for (let o = 0; o < g.outChannels; o++) {
    const r = fixupRange(rangeOf(conv.weightsOIHW, o * perChannel, (o + 1) * perChannel));
    const a = whole.max / r.max;
    const b = whole.min / r.min;
    equal[o] = a < 0 || b < 0 ? Math.max(a, b) : Math.min(a, b);
  }
  const scaled = conv.weightsOIHW.map((w, i) => w * equal[Math.floor(i / perChannel)]!);
  // §3.6 Weights 3: one uint8 quantisation of the equalised tensor.
  const wq = qparamsOf(rangeOf(scaled, 0, scaled.length));
  const weights = Uint8Array.from(scaled, (w) => clampCode(Math.round(w / wq.scale + wq.zeroPoint)));
  // BN/activation split (see the file comment). With t = BN value and P = scale_x·scale_w/scale_z
  // the activation slope is P/t; the relative errors 2^-16/t (BN) and 2^-21·t/P (slope) are
  // equal at t = sqrt(32·P). t stays where both fields can hold it (22- and 16-bit multipliers).
  const product = (input.scale * wq.scale) / output.scale;
  const bnTarget = Math.min(2 ** 19, product * 2 ** 14, Math.max(2 ** -12, Math.sqrt(32 * product)));
  const sAct = bnTarget / (input.scale * wq.scale); // v = y_real·sAct
  const batchNorm: BatchNormEntry[] = [];
  for (let o = 0; o < g.outChannels; o++) {
    const m = fixedMul(bnTarget / equal[o]!, 22, 15);
    const add = Math.round(conv.bias[o]! * sAct);
    if (Math.abs(add) >= 2 ** 31) fail("internal", "KPU quantisation", `bias of channel ${o} scaled by ${sAct} overflows the 32-bit norm_add`);
    batchNorm.push({ normMul: m.mul, normShift: m.shift, normAdd: add });
  }
  const activation = activationTable(conv.pieces, sAct, output);
  const args = { ...emptyLayerArgument(), ...layerRegisterFields(g, { input: input.zeroPoint, weights: wq.zeroPoint }) };
  return { layer: { args, batchNorm, activation, weights }, input, output };
}

function rangeOf(values: ArrayLike<number>, from: number, to: number): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
