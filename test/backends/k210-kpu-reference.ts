/**
 * A direct, naive transcription of the KPU arithmetic of K210-KPU.md §3 and §1.5, used only as the
 * test oracle for backends/k210/kpu-sim.ts. It decodes the 12 register words itself (§2.1 bit
 * positions, written out by hand), uses bigint everywhere, and loops exactly as the formulas read.
 * It shares no code with the simulator.
 */

export interface ReferenceOptions {
  rounding: "v0.2" | "v0.1";
  inclusive: boolean;
}

/** Bits [lo, lo+width) of a word; two's complement when signed. */
function bits(word: bigint, lo: number, width: number, signed = false): bigint {
  const v = (word >> BigInt(lo)) & ((1n << BigInt(width)) - 1n);
  if (signed && v >= 1n << BigInt(width - 1)) return v - (1n << BigInt(width));
  return v;
}

/** R(p, s), §3.3, written from its definition. */
function R(p: bigint, s: bigint): bigint {
  if (s === 0n) return p;
  const I = p >> s;
  const F = p - I * 2n ** s;
  const h = 2n ** (s - 1n);
  const sigma = p < 0n ? -1n : 1n;
  if (F < h) return I;
  if (F > h) return I + sigma;
  return I % 2n !== 0n ? I + sigma : I;
}

/** R'(p, s), §3.5. */
function Rprime(p: bigint, s: bigint): bigint {
  if (s === 0n) return p;
  const q = p >> (s - 1n);
  if (q % 2n !== 0n) return p < 0n ? (q >> 1n) - 1n : (q >> 1n) + 1n;
  return q >> 1n;
}

/**
 * The layer on a dense C_in×H×W uint8 input; returns dense OC×OH×OW, or the string "error" for a
 * layer the model defines as invalid (bad kernel/pool/size/depthwise, activation shift > 31,
 * |acc| ≥ 2^39, |v| ≥ 2^47).
 */
export function referenceLayer(
  regs: readonly bigint[], bn: readonly bigint[], act: readonly bigint[],
  weights: ArrayLike<number>, input: Uint8Array, opt: ReferenceOptions,
): Uint8Array | "error" {
  const r = (i: number): bigint => regs[i]!;
  const dw = bits(r(0), 3, 1) === 1n;
  const IC = Number(bits(r(2), 0, 10)) + 1;
  const OC = Number(bits(r(2), 32, 10)) + 1;
  const W = Number(bits(r(3), 0, 10)) + 1;
  const H = Number(bits(r(3), 10, 9)) + 1;
  const OW = Number(bits(r(3), 32, 10)) + 1;
  const OH = Number(bits(r(3), 42, 9)) + 1;
  const kernelType = Number(bits(r(4), 0, 3));
  const pool = Number(bits(r(4), 4, 4));
  const padValue = bits(r(4), 24, 8);
  const shrW = bits(r(9), 0, 4);
  const shrX = bits(r(9), 4, 4);
  const argW = bits(r(9), 8, 24, true);
  const argX = bits(r(9), 32, 24, true);
  const argAdd = bits(r(10), 0, 40, true);

  if (kernelType !== 0 && kernelType !== 1) return "error";
  const k = kernelType === 0 ? 1 : 3;
  const p = (k - 1) / 2;
  const strideOf: Record<number, number> = { 0: 1, 1: 2, 2: 2, 3: 4, 4: 4, 5: 2, 6: 2, 7: 4, 8: 1, 9: 1 };
  const sp = strideOf[pool];
  if (sp === undefined) return "error";
  if (OH !== Math.floor(H / sp) || OW !== Math.floor(W / sp)) return "error";
  if (dw && IC !== OC) return "error";
  for (let i = 0; i < 16; i++) if (bits(act[i]!, 0, 8) > 31n) return "error";

  const G = dw ? 1n : BigInt(IC);
  const X = (c: number, y: number, x: number): bigint => BigInt(input[(c * H + y) * W + x]!);
  const activated: number[][][] = [];
  for (let o = 0; o < OC; o++) {
    const plane: number[][] = [];
    for (let y = 0; y < H; y++) {
      const row: number[] = [];
      for (let x = 0; x < W; x++) {
        // Stage 1 (§3.1)
        let S = 0n, SX = 0n, SW = 0n;
        const channels = dw ? [o] : Array.from({ length: IC }, (_, c) => c);
        for (const c of channels) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const yy = y - p + ky, xx = x - p + kx;
              const xv = yy < 0 || yy >= H || xx < 0 || xx >= W ? padValue : X(c, yy, xx);
              const wi = dw ? (o * k + ky) * k + kx : ((o * IC + c) * k + ky) * k + kx;
              const wv = BigInt(weights[wi]!);
              S += xv * wv; SX += xv; SW += wv;
            }
          }
        }
        const acc = S + ((argX * SX) >> shrX) + ((argW * SW) >> shrW) + argAdd * G;
        if (acc >= 2n ** 39n || acc <= -(2n ** 39n)) return "error";
        // Stage 2 (§3.2)
        const M = bits(bn[o]!, 0, 24, true), A = bits(bn[o]!, 24, 32, true), Sh = bits(bn[o]!, 56, 4);
        const v = ((acc * M) >> Sh) + A;
        if (v >= 2n ** 47n || v <= -(2n ** 47n)) return "error";
        // Stage 3 (§3.3)
        let seg = -1;
        for (let i = 0; i < 16; i++) {
          const Xi = bits(act[i]!, 24, 36, true);
          if (opt.inclusive ? Xi <= v : v > Xi) seg = i;
        }
        let out = 0n;
        if (seg >= 0) {
          const Xi = bits(act[seg]!, 24, 36, true), m = bits(act[seg]!, 8, 16, true), s = bits(act[seg]!, 0, 8);
          const b = bits(act[16 + Math.floor(seg / 8)]!, 8 * (seg % 8), 8);
          const z = (opt.rounding === "v0.2" ? R((v - Xi) * m, s) : Rprime((v - Xi) * m, s)) + b;
          out = z < 0n ? 0n : z > 255n ? 255n : z;
        }
        row.push(Number(out));
      }
      plane.push(row);
    }
    activated.push(plane);
  }
  // Stage 4 (§1.5)
  const result = new Uint8Array(OC * OH * OW);
  for (let o = 0; o < OC; o++) {
    const a = activated[o]!;
    const at = (y: number, x: number): number => a[y]![x]!;
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        let v: number;
        if (pool === 0) v = at(i, j);
        else if (pool === 1) v = Math.max(at(2 * i, 2 * j), at(2 * i, 2 * j + 1), at(2 * i + 1, 2 * j), at(2 * i + 1, 2 * j + 1));
        else if (pool === 2) v = Math.floor((at(2 * i, 2 * j) + at(2 * i, 2 * j + 1) + at(2 * i + 1, 2 * j) + at(2 * i + 1, 2 * j + 1)) / 4);
        else if (pool === 3 || pool === 4) {
          const taps: number[] = [];
          for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) taps.push(at(4 * i + dy, 4 * j + dx));
          v = pool === 3 ? Math.max(...taps) : Math.floor(taps.reduce((s, t) => s + t, 0) / 16);
        } else if (pool === 5) v = at(2 * i, 2 * j);
        else if (pool === 6) v = 2 * j + 1 < W ? at(2 * i, 2 * j + 1) : 0;
        else if (pool === 7) v = at(4 * i, 4 * j);
        else if (pool === 8) {
          const cy = (y: number): number => Math.min(y, H - 1), cx = (x: number): number => Math.min(x, W - 1);
          v = Math.floor((at(i, j) + at(i, cx(j + 1)) + at(cy(i + 1), j) + at(cy(i + 1), cx(j + 1))) / 4);
        } else {
          const t = (y: number, x: number): number => (y < H && x < W ? at(y, x) : 0);
          v = Math.max(t(i, j), t(i, j + 1), t(i + 1, j), t(i + 1, j + 1));
        }
        result[(o * OH + i) * OW + j] = v;
      }
    }
  }
  return result;
}
