import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { RUNTIME_C_DIR } from "../../src/paths.js";
import type { ConvPlan } from "../../src/ir/ops/quant/conv.js";
import { pixelRecords } from "../../backends/cortex-m/ops/conv-dsp-pixel.js";
import { pixel3x3Records } from "../../backends/cortex-m/ops/conv-dsp-pixel3.js";
import { expectBitExact } from "./pixel-bit-exact.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";
import { randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

/**
 * The pixel-major 1x1 kernel (backends/cortex-m/ops/conv-dsp-pixel.ts, runtime-c/kernels/
 * qconv_i8_dsp_px.c): its compile-time records, QConv2D1x1Dsp with C = 8 / 16 against QConv2D bit
 * for bit on the host (the portable channel loop, ASan/UBSan), the layers it must leave to the
 * widened GEMM, and the unit's cross builds (the asm loops at -O2, the C loop elsewhere).
 */

const execFileAsync = promisify(execFile);

/** A plan with only the fields pixelRecords reads. */
function plan(c: number, o: number, extra: Partial<ConvPlan> = {}): ConvPlan {
  return { c, o, xOffset: 3, yOffset: -128, multipliers: [1 << 30], shifts: [-2], ...extra } as ConvPlan;
}

describe("pixel kernel records", () => {
  it("hold the doubled weight pairs in SXTB16 order, 2 * folded bias, m, K and the shift with the last-channel flag", () => {
    const w = [1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8];
    const words = pixelRecords(w, [10, -20], plan(8, 2));
    if (typeof words === "string") throw new Error(words);
    const pair = (lo: number, hi: number) => ((2 * lo) & 0xffff) | ((2 * hi) << 16);
    // Pairs (w0, w2), (w1, w3), then the folded bias 2 * (10 + 3 * 36), then (w4, w6), (w5, w7).
    // K = 2^(r-1) + zp * 2^r with r = 2: 2 - 512; the last channel's shift word carries 256.
    expect(words.slice(0, 8)).toEqual([pair(1, 3), pair(2, 4), 2 * (10 + 3 * 36), pair(5, 7), pair(6, 8), 1 << 30, 2 - 512, 2]);
    expect(words.slice(8)).toEqual([pair(-1, -3), pair(-2, -4), 2 * (-20 - 3 * 36), pair(-5, -7), pair(-6, -8), 1 << 30, 2 - 512, 2 + 256]);
  });
  it("of the 3x3 C = 1 kernel hold 5 pairs: rows 0 and 1 (columns 0, 2), their column 1, row 2 (0, 2) and (1, -)", () => {
    const w = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const words = pixel3x3Records([...w, ...w.map((v) => -v)], [10, -20], plan(1, 2));
    if (typeof words === "string") throw new Error(words);
    const pair = (lo: number, hi: number) => ((2 * lo) & 0xffff) | ((2 * hi) << 16);
    expect(words.length).toBe(18);
    expect(words.slice(0, 9)).toEqual([pair(1, 3), pair(4, 6), 2 * (10 + 3 * 45), pair(2, 5), pair(7, 9), pair(8, 0), 1 << 30, 2 - 512, 2]);
    expect(words.slice(9)).toEqual([pair(-1, -3), pair(-4, -6), 2 * (-20 - 3 * 45), pair(-2, -5), pair(-7, -9), pair(-8, 0), 1 << 30, 2 - 512, 2 + 256]);
  });
  it("refuse a layer they could not requantize exactly, naming the channel", () => {
    const w = new Array<number>(16).fill(127);
    expect(pixelRecords(w, [2 ** 30, 0], plan(8, 2))).toMatch(/channel 0's accumulator/);
    expect(pixelRecords(w, undefined, plan(8, 2, { shifts: [0] }))).toMatch(/channel 0's requantization/);
    expect(pixelRecords(w, undefined, plan(8, 2, { multipliers: [5, -1], shifts: [-3, -3] }))).toMatch(/channel 1's requantization/);
  });
});

/** A random 1x1 case with C = 8 or 16; `fit` false: a narrow clamp or an odd O (the widened GEMM). */
function pixelCase(seed: number, fit: boolean): QNode {
  const r = rng(seed);
  const c = r() < 0.5 ? 8 : 16;
  const o = fit ? 2 * randInt(r, 1, 9) : 2 * randInt(r, 1, 5) + (seed % 2);
  const stride = randInt(r, 1, 2);
  const [h, w] = [randInt(r, 3, 9) | 1, randInt(r, 3, 9) | 1];
  const fused = r() < 0.5;
  const narrow = !fit && seed % 2 === 0;
  return {
    op: "QConv2D1x1Dsp",
    inputs: [
      { value: randomInts("int8", [1, h, w, c], r) },
      { value: randomInts("int8", [o, 1, 1, c], r, -127, 127), constant: true },
      r() < 0.8 ? { value: randomInts("int32", [o], r), constant: true } : undefined,
    ],
    attrs: {
      x_scale: randomScale(r, 0.005, 0.2), w_scale: Array.from({ length: o }, () => randomScale(r, 0.001, 0.05)), y_scale: randomScale(r, 0.01, 0.5),
      x_zero_point: randInt(r, -128, 127), y_zero_point: fused ? -128 : randInt(r, -128, 127),
      ...(narrow ? { act_min: randInt(r, -128, -20), act_max: randInt(r, 20, 120) } : fused ? { act_min: -128, act_max: 127 } : {}),
      strides: [stride, stride], dilations: [1, 1], pads: [0, 0, 0, 0],
    },
  };
}

/** A random 3x3 case with C = 1 (QConv2DDsp): strides 1 / 2, pads 0 / 1 on each side, odd sizes; `fit` false: an odd O. */
function pixel3x3Case(seed: number, fit: boolean): QNode {
  const r = rng(seed);
  const o = 2 * randInt(r, 1, 8) + (fit ? 0 : 1);
  const stride = randInt(r, 1, 2);
  const [h, w] = [randInt(r, 3, 11) | 1, randInt(r, 4, 12)];
  const pads = [randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1)];
  const fused = r() < 0.5;
  return {
    op: "QConv2DDsp",
    inputs: [
      { value: randomInts("int8", [1, h, w, 1], r) },
      { value: randomInts("int8", [o, 3, 3, 1], r, -127, 127), constant: true },
      r() < 0.8 ? { value: randomInts("int32", [o], r), constant: true } : undefined,
    ],
    attrs: {
      x_scale: randomScale(r, 0.005, 0.2), w_scale: Array.from({ length: o }, () => randomScale(r, 0.001, 0.05)), y_scale: randomScale(r, 0.01, 0.5),
      x_zero_point: randInt(r, -128, 127), y_zero_point: fused ? -128 : randInt(r, -128, 127),
      ...(fused ? { act_min: -128, act_max: 127 } : {}),
      strides: [stride, stride], dilations: [1, 1], pads,
    },
  };
}

describe("QConv2DDsp with C = 1, 3x3 on the pixel kernel", () => {
  it("equals QConv2D bit for bit: strides 1 and 2, padding, odd sizes, fused and not; odd O keeps the GEMM (host C, ASan/UBSan)", async () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 8; s++) cases.push(pixel3x3Case(940 + s, true));
    for (let s = 0; s < 2; s++) cases.push(pixel3x3Case(960 + s, false));
    await expectBitExact(cases, "eg_qconv2d_3x3c1_i8_px", 8);
  });
});

describe("QConv2D1x1Dsp on the pixel kernel", () => {
  it("equals QConv2D bit for bit: C = 8 / 16, fused and not, strides 1 and 2, odd sizes; narrow clamps and odd O keep the GEMM (host C, ASan/UBSan)", async () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 8; s++) cases.push(pixelCase(900 + s, true));
    for (let s = 0; s < 4; s++) cases.push(pixelCase(920 + s, false));
    await expectBitExact(cases, "eg_qconv2d_1x1_i8_px", 8);
  });

  it("qconv_i8_dsp_px and qconv_i8_dsp_px3 build for Cortex-M4 with -Werror at -O0, -Os and -O2 (LDM loops at -O2) and for Cortex-M0+", async () => {
    const dir = mkdtempSync(join(tmpdir(), "egret-dsp-px-"));
    try {
      const targets = [
        { flags: ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], native: true },
        { flags: ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"], native: false },
      ];
      for (const [t, target] of targets.entries()) {
        for (const [unit, level] of ["qconv_i8_dsp_px", "qconv_i8_dsp_px3"].flatMap((u) => ["-O0", "-Os", "-O2"].map((l) => [u, l] as const))) {
          const obj = join(dir, `${unit}-${t}${level}.o`);
          await execFileAsync("arm-none-eabi-gcc", [
            ...target.flags, level, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
            "-I", RUNTIME_C_DIR, "-I", join(RUNTIME_C_DIR, "kernels"), "-c", join(RUNTIME_C_DIR, "kernels", `${unit}.c`), "-o", obj,
          ], { timeout: CHILD_TIMEOUT_MS });
          const { stdout } = await execFileAsync("arm-none-eabi-objdump", ["-d", obj], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 24 });
          expect(/\bsmlad\b/.test(stdout), `${unit} ${target.flags[0]} ${level}`).toBe(target.native);
          // The record loads of the asm loops: five registers r8..r12 in one LDM (C = 8 and the 3x3 kernel).
          if (target.native && level === "-O2") expect(stdout).toMatch(/ldmia\.w\s+\w+!, \{r8, r9, sl, fp, ip\}/);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
