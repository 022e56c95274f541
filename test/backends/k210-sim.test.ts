/**
 * KPU simulator property tests: the TypeScript model (backends/k210/kpu-sim.ts) against a naive
 * transcription of the spec (k210-kpu-reference.ts) on thousands of random layers, and against
 * the C model (runtime-c/kpu/kpu_sim.c, built once with ASan/UBSan and driven in one batch).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  packActivationTable, packBatchNormTable, packLayerArgument, unpackActivationTable, unpackBatchNormTable,
  unpackLayerArgument, emptyLayerArgument, poolStride, KPU_LAYER_FIELDS, KPU_LAYER_FIELD_NAMES, fieldRange,
  type ActivationSegment, type BatchNormEntry, type KpuLayer, type KpuLayerArgument,
} from "../../backends/k210/kpu-layer.js";
import { mapLines, rowLayout, elementAddress, writeMap, readMap, KPU_RAM_BYTES } from "../../backends/k210/kpu-ram.js";
import { runKpuLayer, simulateKpuLayerDense, type KpuSimOptions } from "../../backends/k210/kpu-sim.js";
import { roundShiftV01, roundShiftV02 } from "../../backends/k210/kpu-arith.js";
import { EgretError } from "../../src/errors.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { referenceLayer } from "./k210-kpu-reference.js";

const REPO = join(import.meta.dirname, "..", "..");

/** One random test case: registers as fields, tables, weights, dense input and simulator options. */
interface KpuCase {
  args: KpuLayerArgument;
  batchNorm: BatchNormEntry[];
  activation: ActivationSegment[];
  weights: Uint8Array | Uint16Array;
  input: Uint8Array;
  options: Required<KpuSimOptions>;
}

const signedPow = (maxBits: number): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: maxBits }).chain((b) => fc.integer({ min: -(2 ** b), max: 2 ** b - 1 }));

const geometryArb = fc.record({
  kernelType: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 7 }) }),
  poolType: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 0, max: 9 }) }, { weight: 1, arbitrary: fc.integer({ min: 10, max: 15 }) }),
  depthwise: fc.boolean(),
  inChannels: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 9 }) }),
  outChannels: fc.integer({ min: 1, max: 4 }),
  // Widths cover the three row layouts of §1.3 (≤16, ≤32, >32 incl. two lines per row).
  width: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 17 }) }, { weight: 3, arbitrary: fc.integer({ min: 15, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 60, max: 70 }) }),
  height: fc.integer({ min: 1, max: 6 }),
  badOutput: fc.integer({ min: 0, max: 40 }).map((n) => n === 0),
  weight16: fc.integer({ min: 0, max: 10 }).map((n) => n === 0),
  batches: fc.constantFrom(1, 1, 1, 2),
});

const segmentArb = (i: number): fc.Arbitrary<ActivationSegment> =>
  fc.record({
    xStart: i === 0 ? fc.oneof(fc.constant(-(2 ** 35)), signedPow(35)) : signedPow(35),
    yMul: signedPow(15),
    shiftNumber: fc.oneof({ weight: 400, arbitrary: fc.integer({ min: 0, max: 31 }) }, { weight: 1, arbitrary: fc.integer({ min: 32, max: 255 }) }),
    bias: fc.integer({ min: 0, max: 255 }),
  });

const activationArb: fc.Arbitrary<ActivationSegment[]> = fc
  .tuple(...Array.from({ length: 16 }, (_, i) => segmentArb(i)), fc.boolean())
  .map((parts) => {
    const segs = parts.slice(0, 16) as ActivationSegment[];
    const sorted = parts[16] as boolean;
    // nncase tables are ascending; unsorted ones must work too.
    if (sorted) {
      const xs = segs.slice(1).map((s) => s.xStart).sort((a, b) => a - b);
      xs.forEach((x, i) => { segs[i + 1]!.xStart = x; });
    }
    return segs;
  });

const caseArb: fc.Arbitrary<KpuCase> = geometryArb.chain((g) => {
  const ic = g.inChannels;
  const oc = g.depthwise ? ic : g.outChannels;
  const k = g.kernelType === 0 ? 1 : 3;
  const stride = poolStride(g.poolType) ?? 1;
  const width = Math.max(g.width, stride);
  const height = Math.max(g.height, stride);
  const ow = Math.floor(width / stride) + (g.badOutput ? 1 : 0);
  const oh = Math.floor(height / stride);
  const nWeights = (g.depthwise ? oc : ic * oc) * k * k;
  const maxWeight = g.weight16 ? 65535 : 255;
  return fc.record({
    padValue: fc.integer({ min: 0, max: 255 }),
    shrW: fc.integer({ min: 0, max: 15 }),
    shrX: fc.integer({ min: 0, max: 15 }),
    argW: fc.oneof(fc.integer({ min: -255, max: 0 }), signedPow(23)),
    argX: fc.oneof(fc.integer({ min: -255, max: 0 }), signedPow(23)),
    argAdd: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 9 * 255 * 255 }) }, { weight: 2, arbitrary: signedPow(33) }, { weight: 1, arbitrary: signedPow(39) }),
    src: fc.integer({ min: 0, max: 32767 }),
    dst: fc.integer({ min: 0, max: 32767 }),
    bn: fc.array(fc.record({ normMul: fc.oneof({ weight: 4, arbitrary: signedPow(14) }, { weight: 1, arbitrary: signedPow(23) }), normAdd: signedPow(31), normShift: fc.integer({ min: 0, max: 15 }) }), { minLength: oc, maxLength: oc }),
    activation: activationArb,
    weights: fc.array(fc.integer({ min: 0, max: maxWeight }), { minLength: nWeights, maxLength: nWeights }),
    input: fc.uint8Array({ minLength: g.batches * ic * height * width, maxLength: g.batches * ic * height * width }),
    rounding: fc.constantFrom("v0.2" as const, "v0.1" as const),
    segmentRule: fc.constantFrom("strict" as const, "inclusive" as const),
  }).map((p): KpuCase => {
    const inLines = mapLines(width, height, ic) * g.batches;
    const outLines = mapLines(ow, oh, oc) * g.batches;
    const args: KpuLayerArgument = {
      ...emptyLayerArgument(),
      depthWiseLayer: g.depthwise ? 1 : 0,
      ...placeMaps(p.src, p.dst, inLines, outLines),
      iChNum: ic - 1, oChNum: oc - 1, oChNumCoef: oc - 1,
      iRowWid: width - 1, iColHigh: height - 1, oRowWid: Math.min(ow, 1024) - 1, oColHigh: oh - 1,
      kernelType: g.kernelType, poolType: g.poolType, padValue: p.padValue,
      loadPara: 1, loadCoor: 1, loadAct: 1, dmaBurstSize: 15,
      channelSwitchAddr: rowLayout(width).linesPerRow * height, rowSwitchAddr: rowLayout(width).linesPerRow, coefGroup: rowLayout(width).groups,
      wbChannelSwitchAddr: rowLayout(ow).linesPerRow * oh, wbRowSwitchAddr: rowLayout(ow).linesPerRow, wbGroup: rowLayout(ow).groups,
      shrW: p.shrW, shrX: p.shrX, argW: p.argW, argX: p.argX, argAdd: p.argAdd,
      channelByteNum: Math.min(ow * oh, 65536) - 1, dmaTotalByte: ow * oh * oc - 1,
    };
    return {
      args, batchNorm: p.bn, activation: p.activation,
      weights: g.weight16 ? Uint16Array.from(p.weights) : Uint8Array.from(p.weights),
      input: p.input, options: { rounding: p.rounding, segmentRule: p.segmentRule },
    };
  });
});

/**
 * Input and output regions that do not overlap (the dense reference cannot model a layer that
 * overwrites its own input), both inside KPU RAM; one case in 50 runs past the end on purpose.
 */
function placeMaps(a: number, b: number, inLines: number, outLines: number): { imageSrcAddr: number; imageDstAddr: number } {
  if (a % 50 === 0) return { imageSrcAddr: Math.min(32767, 32768 - inLines + 1 + (b % 4)), imageDstAddr: b % 32768 };
  const free = 32768 - inLines - outLines;
  const first = a % (free + 1);
  const second = first + (b % (free - first + 1));
  return b % 2 === 0
    ? { imageSrcAddr: first, imageDstAddr: second + inLines }
    : { imageSrcAddr: second + outLines, imageDstAddr: first };
}

const batchesOf = (c: KpuCase): number => {
  const inBytes = (c.args.iChNum + 1) * (c.args.iColHigh + 1) * (c.args.iRowWid + 1);
  return c.input.length / inBytes;
};

/** One KPU RAM reused by every case (allocating 2 MiB per case dominates the runtime). */
const SHARED_RAM = new Uint8Array(KPU_RAM_BYTES);

/** The TS simulator through KPU RAM (upload, run, download): dense output or "error". */
function runTs(c: KpuCase): Uint8Array | "error" {
  const layer = unpackedLayer(c);
  const ram = SHARED_RAM.fill(0xa5);
  const batches = batchesOf(c);
  const ic = layer.args.iChNum + 1, h = layer.args.iColHigh + 1, w = layer.args.iRowWid + 1;
  try {
    const inLines = mapLines(w, h, ic);
    for (let b = 0; b < batches; b++) {
      const line = layer.args.imageSrcAddr + b * inLines;
      if (line + inLines <= 32768) writeMap(ram, line, { channels: ic, height: h, width: w }, c.input.subarray(b * ic * h * w, (b + 1) * ic * h * w));
    }
    const outs = runKpuLayer(ram, layer, batches, c.options);
    const joined = new Uint8Array(outs.reduce((n, o) => n + o.length, 0));
    let at = 0;
    for (const o of outs) { joined.set(o, at); at += o.length; }
    return joined;
  } catch (e) {
    if (e instanceof EgretError) return "error";
    throw e;
  }
}

/** The layer as the simulator sees it after a pack → unpack round trip of every table. */
function unpackedLayer(c: KpuCase): KpuLayer {
  return {
    args: unpackLayerArgument(packLayerArgument(c.args)),
    batchNorm: unpackBatchNormTable(packBatchNormTable(c.batchNorm)),
    activation: unpackActivationTable(packActivationTable(c.activation)),
    weights: c.weights,
  };
}

function runReference(c: KpuCase): Uint8Array | "error" {
  const regs = packLayerArgument(c.args);
  const bn = packBatchNormTable(c.batchNorm);
  const act = packActivationTable(c.activation);
  const batches = batchesOf(c);
  const per = c.input.length / batches;
  const parts: Uint8Array[] = [];
  for (let b = 0; b < batches; b++) {
    const r = referenceLayer(regs, bn, act, c.weights, c.input.subarray(b * per, (b + 1) * per), { rounding: c.options.rounding, inclusive: c.options.segmentRule === "inclusive" });
    if (r === "error") return r;
    parts.push(r);
  }
  // A map running past the end of KPU RAM is an error of the RAM-level model only.
  const a = c.args;
  const outLines = mapLines(a.oRowWid + 1, a.oColHigh + 1, a.oChNum + 1);
  const inLines = mapLines(a.iRowWid + 1, a.iColHigh + 1, a.iChNum + 1);
  if (a.imageSrcAddr + batches * inLines > 32768 || a.imageDstAddr + batches * outLines > 32768) return "error";
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe("KPU register packing (§2.1–2.3)", () => {
  it("round-trips every field at its extremes and places it at its bit range", () => {
    for (const name of KPU_LAYER_FIELD_NAMES) {
      const p = KPU_LAYER_FIELDS[name];
      for (const value of [fieldRange(p).min, fieldRange(p).max]) {
        const a = { ...emptyLayerArgument(), [name]: value };
        const words = packLayerArgument(a);
        expect(unpackLayerArgument(words)[name]).toBe(value);
        const expectedWord = (BigInt(value) & ((1n << BigInt(p.width)) - 1n)) << BigInt(p.lsb);
        words.forEach((w, i) => expect(w).toBe(i === p.word ? expectedWord : 0n));
      }
    }
  });

  it("rejects a value that does not fit its field", () => {
    expect(() => packLayerArgument({ ...emptyLayerArgument(), argW: 2 ** 23 })).toThrow(/24-bit signed/);
    expect(() => packLayerArgument({ ...emptyLayerArgument(), imageSrcAddr: 32768 })).toThrow(/imageSrcAddr/);
  });

  it("matches the EX4 first-layer values of the spec (arg_x −151, arg_w −128, arg_add 173952)", () => {
    const words = packLayerArgument({ ...emptyLayerArgument(), argX: -151, argW: -128, argAdd: 173952 });
    // Hand-assembled from §2.1: arg_w at [31:8], arg_x at [55:32], two's complement in 24 bits.
    expect(words[9]).toBe(((2n ** 24n - 128n) << 8n) | ((2n ** 24n - 151n) << 32n));
    expect(words[10]).toBe(173952n);
  });

  it("round-trips random activation and batch-norm tables", () => {
    fc.assert(fc.property(activationArb, (t) => { expect(unpackActivationTable(packActivationTable(t))).toEqual(t); }), { numRuns: 200 });
    const bnArb = fc.array(fc.record({ normMul: signedPow(23), normAdd: signedPow(31), normShift: fc.integer({ min: 0, max: 15 }) }));
    fc.assert(fc.property(bnArb, (t) => { expect(unpackBatchNormTable(packBatchNormTable(t))).toEqual(t); }), { numRuns: 200 });
  });
});

describe("KPU RAM layout (§1.3)", () => {
  it("gives the line counts of the spec's worked examples", () => {
    expect(mapLines(320, 240, 3)).toBe(3600);
    expect(mapLines(160, 120, 16)).toBe(5760);
    expect(mapLines(20, 15, 128)).toBe(960);
    expect(rowLayout(20)).toEqual({ groups: 2, pitch: 32, linesPerRow: 1 });
  });

  it("places elements by the §1.3 formula and round-trips maps", () => {
    // Channel 5 of a W=10 map (g = 4, P = 16): group 1, slot 1.
    expect(elementAddress(7, 10, 3, 5, 2, 4)).toBe(64 * (7 + 1 * 3 + 2) + 16 + 4);
    expect(elementAddress(0, 130, 2, 1, 1, 129)).toBe(64 * (1 * 3 * 2 + 1 * 3) + 129);
    fc.assert(fc.property(fc.integer({ min: 1, max: 140 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), (w, h, c) => {
      const dense = Uint8Array.from({ length: c * h * w }, (_, i) => (i * 7 + 3) & 255);
      const ram = SHARED_RAM.fill(0);
      writeMap(ram, 100, { channels: c, height: h, width: w }, dense);
      expect(readMap(ram, 100, { channels: c, height: h, width: w })).toEqual(dense);
      // Nothing is written outside the map's lines.
      const end = 64 * (100 + mapLines(w, h, c));
      expect(ram.subarray(end, end + 4096).some((b) => b !== 0)).toBe(false);
    }), { numRuns: 60 });
  });
});

describe("rounding helpers (§3.3, §3.5)", () => {
  it("reproduce the spec's table computed with nncase's carry_shift and the SDK's kpu_carry_shift", () => {
    const rows: [bigint, number, bigint, bigint][] = [[5n, 1, 2n, 3n], [10n, 2, 2n, 3n], [7n, 1, 4n, 4n], [-3n, 1, -2n, -3n], [-6n, 2, -2n, -3n], [-1n, 2, -2n, -2n]];
    for (const [p, s, r, rPrime] of rows) {
      expect(roundShiftV02(p, s)).toBe(r);
      expect(roundShiftV01(p, s)).toBe(rPrime);
    }
  });
});

describe("KPU simulator vs the spec's formulas", () => {
  it("agrees with the naive reference on 3000 random layers", () => {
    let ok = 0;
    let midRange = 0;
    let bytes = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const ref = runReference(c);
        const sim = runTs(c);
        expect(sim).toEqual(ref);
        if (ref !== "error") {
          ok++;
          bytes += ref.length;
          midRange += ref.filter((b) => b !== 0 && b !== 255).length;
        }
      }),
      { numRuns: 3000, seed: 210 },
    );
    // The generator must exercise real arithmetic, not only errors and saturated outputs.
    expect(ok).toBeGreaterThan(1500);
    expect(midRange / bytes).toBeGreaterThan(0.1);
  });

  it("defines the documented corner cases", () => {
    const a = { ...emptyLayerArgument(), iRowWid: 3, iColHigh: 3, oRowWid: 3, oColHigh: 3 };
    const seg = (xStart: number, bias: number): ActivationSegment => ({ xStart, yMul: 0, shiftNumber: 0, bias });
    const layer: KpuLayer = {
      args: a, batchNorm: [{ normMul: 1, normAdd: 0, normShift: 0 }],
      activation: [seg(0, 7), ...Array.from({ length: 15 }, () => seg(2 ** 34, 9))], weights: new Uint8Array(1),
    };
    // v = 0 everywhere: no segment has X < 0 (strict rule) → 0; inclusive rule picks segment 0 → 7.
    expect([...simulateKpuLayerDense(layer, new Uint8Array(16))]).toEqual(new Array(16).fill(0));
    expect([...simulateKpuLayerDense(layer, new Uint8Array(16), { segmentRule: "inclusive" })]).toEqual(new Array(16).fill(7));
    // An output size that does not match the pooling is named.
    expect(() => simulateKpuLayerDense({ ...layer, args: { ...a, poolType: 1 } }, new Uint8Array(16))).toThrow(/does not match input 4×4 pooled by 2/);
  });
});

describe("KPU simulator: TypeScript vs C (bit-identical)", () => {
  let work = "";
  let binary = "";
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "egret-kpu-"));
    binary = join(work, "kpu_sim_batch");
    const dir = join(REPO, "runtime-c", "kpu");
    execFileSync("gcc", [...SANITIZE_CFLAGS.split(" "), join(dir, "kpu_layout.c"), join(dir, "kpu_sim.c"), join(dir, "kpu_sim_batch.c"), "-o", binary], { stdio: ["ignore", "pipe", "pipe"] });
  });
  afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  it("gives the same bytes and the same errors on 3000 random layers", () => {
    const cases = fc.sample(caseArb, { numRuns: 3000, seed: 4 });
    const chunks: Uint8Array[] = [];
    const u32 = (v: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };
    const u64s = (ws: bigint[]): Uint8Array => { const b = new Uint8Array(8 * ws.length); ws.forEach((w, i) => new DataView(b.buffer).setBigUint64(8 * i, w, true)); return b; };
    chunks.push(u32(cases.length));
    for (const c of cases) {
      const is16 = c.weights instanceof Uint16Array;
      chunks.push(u32(is16 ? 16 : 8), u32(batchesOf(c)), u32(c.options.rounding === "v0.1" ? 1 : 0), u32(c.options.segmentRule === "inclusive" ? 1 : 0));
      chunks.push(u64s(packLayerArgument(c.args)), u32(c.batchNorm.length), u64s(packBatchNormTable(c.batchNorm)), u64s(packActivationTable(c.activation)));
      const wbytes = new Uint8Array(c.weights.buffer, c.weights.byteOffset, c.weights.byteLength);
      chunks.push(u32(wbytes.length), wbytes, u32(c.input.length), c.input);
    }
    const casesFile = join(work, "cases.bin");
    const resultsFile = join(work, "results.bin");
    writeFileSync(casesFile, Buffer.concat(chunks));
    execFileSync(binary, [casesFile, resultsFile], { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 26 });
    const results = readFileSync(resultsFile);
    let at = 0;
    let same = 0;
    let okCases = 0;
    cases.forEach((c, i) => {
      const status = results.readUInt32LE(at);
      const n = results.readUInt32LE(at + 4);
      const cOut = new Uint8Array(results.subarray(at + 8, at + 8 + n));
      at += 8 + n;
      const ts = runTs(c);
      const cResult = status === 0 ? cOut : "error";
      if (ts === "error" ? cResult === "error" : cResult !== "error" && Buffer.compare(Buffer.from(ts), Buffer.from(cResult)) === 0) same++;
      else expect({ case: i, ts, c: cResult, status }).toBeUndefined();
      if (status === 0) okCases++;
    });
    expect(at).toBe(results.length);
    expect(same).toBe(3000);
    expect(okCases).toBeGreaterThan(1500);
  });
});
