/**
 * Bit-accurate software model of one KPU layer, following the reference-model checklist of
 * K210-KPU.md Appendix A:
 *
 *   stage 1 conv (§3.1) → stage 2 batch-norm (§3.2) → stage 3 activation + saturation (§3.3)
 *   → stage 4 pooling (§1.5, §3.4) → write-back in the §1.3 layout (and the dense FIFO copy).
 *
 * Defaults follow nncase v0.2 (rounding R, strict segment rule); `rounding: "v0.1"` and
 * `segmentRule: "inclusive"` select the v0.1 emulator / SDK behaviour of §3.5.
 *
 * Defined behaviour where the spec leaves it open (the C model in runtime-c/kpu does the same):
 * - no activation segment matches → output 0;
 * - |acc| ≥ 2^39 (the 40-bit accumulator of §3.1) or |v| ≥ 2^47 is a range error, never a wrap;
 * - activation shifts above 31 are rejected (nncase computes the half in 32 bits, §3.3);
 * - the whole input map is read before any output is written, so overlapping maps behave as if
 *   the input had been copied first.
 * All arithmetic is exact integer arithmetic (see kpu-arith.ts).
 */
import { fail } from "../../src/errors.js";
import { mulFloorShift, floorShift, roundShift, roundShiftV01, roundShiftV02, type KpuRounding } from "./kpu-arith.js";
import { layerGeometry, weightCount, ACTIVATION_SEGMENTS, type KpuLayer, type KpuLayerGeometry } from "./kpu-layer.js";
import { mapLines, mapFits, readMap, writeMap, KPU_RAM_BYTES } from "./kpu-ram.js";

export interface KpuSimOptions {
  /** Activation rounding: "v0.2" = R (default, §3.3), "v0.1" = R' (§3.5). */
  readonly rounding?: KpuRounding;
  /** Segment selection: "strict" = largest i with v > X_i (v0.2, default); "inclusive" = X_i ≤ v (v0.1). */
  readonly segmentRule?: "strict" | "inclusive";
}

/** Bound on |acc| (40-bit accumulator, §3.1). */
export const KPU_ACC_LIMIT = 2 ** 39;
/** Bound on |v| after batch-norm: keeps (v − X)·m inside int64 in the C model. */
export const KPU_BN_LIMIT = 2 ** 47;
/** Largest activation shift the model accepts. */
export const KPU_MAX_ACT_SHIFT = 31;

const WHERE = "KPU layer";

/** Checks everything the simulator relies on; returns the geometry. Throws EgretError("bad-attribute"). */
export function validateKpuLayer(layer: KpuLayer): KpuLayerGeometry {
  const g = layerGeometry(layer.args);
  if (g.outHeight !== Math.floor(g.inHeight / g.poolStride) || g.outWidth !== Math.floor(g.inWidth / g.poolStride)) {
    fail("bad-attribute", WHERE, `output ${g.outWidth}×${g.outHeight} does not match input ${g.inWidth}×${g.inHeight} pooled by ${g.poolStride} (pool_type ${g.poolType}); expected ${Math.floor(g.inWidth / g.poolStride)}×${Math.floor(g.inHeight / g.poolStride)}`);
  }
  if (g.outWidth < 1 || g.outHeight < 1) fail("bad-attribute", WHERE, `output map ${g.outWidth}×${g.outHeight} is empty`);
  if (g.depthwise && g.inChannels !== g.outChannels) {
    fail("bad-attribute", WHERE, `depthwise layer has ${g.inChannels} input and ${g.outChannels} output channels; they must be equal`);
  }
  if (layer.weights.length < weightCount(g)) fail("bad-attribute", WHERE, `has ${layer.weights.length} weights, needs ${weightCount(g)}`);
  if (layer.batchNorm.length < g.outChannels) fail("bad-attribute", WHERE, `batch-norm table has ${layer.batchNorm.length} entries, needs ${g.outChannels}`);
  if (layer.activation.length !== ACTIVATION_SEGMENTS) fail("bad-attribute", WHERE, `activation table has ${layer.activation.length} segments, needs 16`);
  layer.activation.forEach((seg, i) => {
    if (seg.shiftNumber > KPU_MAX_ACT_SHIFT) fail("bad-attribute", WHERE, `activation segment ${i} shift ${seg.shiftNumber} exceeds ${KPU_MAX_ACT_SHIFT}`);
  });
  return g;
}

/** Stage 3 for one value: segment choice, R, bias, clamp to uint8 (§3.3). */
function activate(v: number, layer: KpuLayer, strict: boolean, rounding: KpuRounding): number {
  let chosen = -1;
  for (let i = 0; i < ACTIVATION_SEGMENTS; i++) {
    const x = layer.activation[i]!.xStart;
    if (strict ? v > x : v >= x) chosen = i;
  }
  if (chosen < 0) return 0;
  const seg = layer.activation[chosen]!;
  const diff = v - seg.xStart;
  const p = diff * seg.yMul;
  // |diff| < 2^48 and |m| ≤ 2^15: an exact product needs bigint only beyond 2^52.
  const r = Math.abs(p) < 2 ** 52 ? roundShift(p, seg.shiftNumber, rounding) : exactRound(BigInt(diff) * BigInt(seg.yMul), seg.shiftNumber, rounding);
  const z = r + seg.bias;
  return z < 0 ? 0 : z > 255 ? 255 : z;
}

function exactRound(p: bigint, s: number, rounding: KpuRounding): number {
  return Number(rounding === "v0.2" ? roundShiftV02(p, s) : roundShiftV01(p, s));
}

/**
 * Stages 1–3 on a dense C_in×H×W input: the activated uint8 map OC×H×W (before pooling).
 */
export function convBnActivate(layer: KpuLayer, input: Uint8Array, g: KpuLayerGeometry, options: KpuSimOptions = {}): Uint8Array {
  const { inChannels: ic, outChannels: oc, inWidth: w, inHeight: h, kernel: k, depthwise } = g;
  const a = layer.args;
  const pad = (k - 1) / 2;
  const pw = w + 2 * pad;
  const ph = h + 2 * pad;
  // Padded copy: padded taps read pad_value and count in S, SX and SW alike (§3.1).
  const padded = new Uint8Array(ic * ph * pw).fill(a.padValue);
  for (let c = 0; c < ic; c++) {
    for (let y = 0; y < h; y++) padded.set(input.subarray((c * h + y) * w, (c * h + y + 1) * w), (c * ph + y + pad) * pw + pad);
  }
  const groupChannels = depthwise ? 1 : ic;
  const addTerm = a.argAdd * groupChannels;
  const strict = (options.segmentRule ?? "strict") === "strict";
  const rounding = options.rounding ?? "v0.2";
  const out = new Uint8Array(oc * h * w);
  const kk = k * k;
  for (let o = 0; o < oc; o++) {
    const wBase = o * groupChannels * kk;
    let sumW = 0;
    for (let i = 0; i < groupChannels * kk; i++) sumW += layer.weights[wBase + i]!;
    const wTerm = floorShift(a.argW * sumW, a.shrW);
    const bn = layer.batchNorm[o]!;
    const c0 = depthwise ? o : 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        let sumX = 0;
        for (let ci = 0; ci < groupChannels; ci++) {
          const rowBase = ((c0 + ci) * ph + y) * pw + x;
          const wb = wBase + ci * kk;
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const xv = padded[rowBase + ky * pw + kx]!;
              s += xv * layer.weights[wb + ky * k + kx]!;
              sumX += xv;
            }
          }
        }
        const acc = s + floorShift(a.argX * sumX, a.shrX) + wTerm + addTerm;
        if (Math.abs(acc) >= KPU_ACC_LIMIT) fail("bad-attribute", WHERE, `accumulator ${acc} at channel ${o}, (y ${y}, x ${x}) exceeds the 40-bit range`);
        const v = mulFloorShift(acc, bn.normMul, bn.normShift) + bn.normAdd;
        if (Math.abs(v) >= KPU_BN_LIMIT) fail("bad-attribute", WHERE, `batch-norm output ${v} at channel ${o} exceeds ±2^47`);
        out[(o * h + y) * w + x] = activate(v, layer, strict, rounding);
      }
    }
  }
  return out;
}

/** Stage 4: pool an activated C×H×W map per `pool_type` (§1.5) to C×OH×OW. */
export function poolMap(map: Uint8Array, channels: number, h: number, w: number, poolType: number, oh: number, ow: number): Uint8Array {
  const out = new Uint8Array(channels * oh * ow);
  const at = (c: number, y: number, x: number): number => map[(c * h + y) * w + x]!;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let r: number;
        switch (poolType) {
          case 0: r = at(c, i, j); break;
          case 1: case 3: case 2: case 4: {
            const n = poolType <= 2 ? 2 : 4;
            let max = 0;
            let sum = 0;
            for (let dy = 0; dy < n; dy++) for (let dx = 0; dx < n; dx++) {
              const t = at(c, n * i + dy, n * j + dx);
              sum += t;
              if (t > max) max = t;
            }
            r = poolType === 1 || poolType === 3 ? max : Math.floor(sum / (n * n));
            break;
          }
          case 5: r = at(c, 2 * i, 2 * j); break;
          case 6: r = 2 * j + 1 < w ? at(c, 2 * i, 2 * j + 1) : 0; break;
          case 7: r = at(c, 4 * i, 4 * j); break;
          case 8: {
            const y1 = Math.min(i + 1, h - 1);
            const x1 = Math.min(j + 1, w - 1);
            r = Math.floor((at(c, i, j) + at(c, i, x1) + at(c, y1, j) + at(c, y1, x1)) / 4);
            break;
          }
          case 9: {
            const tap = (y: number, x: number): number => (y < h && x < w ? at(c, y, x) : 0);
            r = Math.max(tap(i, j), tap(i, j + 1), tap(i + 1, j), tap(i + 1, j + 1));
            break;
          }
          default: return fail("bad-attribute", WHERE, `pool_type ${poolType} is not one of 0..9`);
        }
        out[(c * oh + i) * ow + j] = r;
      }
    }
  }
  return out;
}

/** The whole layer on dense maps: C_in×H×W uint8 in, OC×OH×OW uint8 out. */
export function simulateKpuLayerDense(layer: KpuLayer, input: Uint8Array, options: KpuSimOptions = {}): Uint8Array {
  const g = validateKpuLayer(layer);
  const need = g.inChannels * g.inHeight * g.inWidth;
  if (input.length !== need) fail("bad-shape", WHERE, `input has ${input.length} bytes, the registers describe ${g.inChannels}×${g.inHeight}×${g.inWidth} = ${need}`);
  const activated = convBnActivate(layer, input, g, options);
  return poolMap(activated, g.outChannels, g.inHeight, g.inWidth, g.poolType, g.outHeight, g.outWidth);
}

/**
 * Runs the layer on KPU RAM (2 MiB, §1.3 layout): reads the input at `image_src_addr`, writes the
 * output at `image_dst_addr`, `batches` times advancing both by one map (§3.4). Returns the dense
 * output of each batch (the FIFO stream when `send_data_out` = 1, and what `kpu_download` reads).
 */
export function runKpuLayer(ram: Uint8Array, layer: KpuLayer, batches = 1, options: KpuSimOptions = {}): Uint8Array[] {
  if (ram.length !== KPU_RAM_BYTES) fail("internal", WHERE, `KPU RAM must be ${KPU_RAM_BYTES} bytes, got ${ram.length}`);
  const g = validateKpuLayer(layer);
  const inShape = { channels: g.inChannels, height: g.inHeight, width: g.inWidth };
  const outShape = { channels: g.outChannels, height: g.outHeight, width: g.outWidth };
  const inLines = mapLines(g.inWidth, g.inHeight, g.inChannels);
  const outLines = mapLines(g.outWidth, g.outHeight, g.outChannels);
  const results: Uint8Array[] = [];
  for (let b = 0; b < batches; b++) {
    const src = layer.args.imageSrcAddr + b * inLines;
    const dst = layer.args.imageDstAddr + b * outLines;
    if (!mapFits(src, inShape)) fail("bad-attribute", WHERE, `input map (batch ${b}) at line ${src}, ${inLines} lines, runs past the 32768 lines of KPU RAM`);
    if (!mapFits(dst, outShape)) fail("bad-attribute", WHERE, `output map (batch ${b}) at line ${dst}, ${outLines} lines, runs past the 32768 lines of KPU RAM`);
    const out = simulateKpuLayerDense(layer, readMap(ram, src, inShape), options);
    writeMap(ram, dst, outShape, out);
    results.push(out);
  }
  return results;
}
