import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { RUNTIME_C_DIR } from "../../src/paths.js";
import { WIDE_MIN_PIXELS, widenConvWeights } from "../../backends/cortex-m/ops/conv-dsp-wide.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";
import { multiNodeGraph, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

/**
 * The DSP convolutions on compile-time widened int16 weights (backends/cortex-m/ops/conv-dsp-wide.ts,
 * runtime-c/kernels/qconv_i8_dsp_w16.c) and the int8-weight GEMM's 2x2 block requantization: random
 * shapes that hit every tail of the 2 rows x 2 channels block (odd O, odd pixel counts, K % 4 = 1..3,
 * K < 8, odd K with its padded weight row), both the widened (>= WIDE_MIN_PIXELS output pixels) and
 * the int8 path, the table and the mult/shift requantization, must equal QConv2D bit for bit (host
 * build: the portable path, ASan/UBSan). The units build for Cortex-M with -Werror at every level.
 */

const execFileAsync = promisify(execFile);

type DspConv = "QConv2DDsp" | "QConv2D1x1Dsp";

/** Channel counts with K % 4 = 1, 2, 3 and K < 8 for a 1x1 kernel. */
const IN_CHANNELS = [1, 2, 3, 5, 6, 7, 9, 12];
/** Output channel counts: odd ones leave a last channel outside the 2x2 blocks. */
const OUT_CHANNELS = [1, 2, 3, 5, 7, 8, 11];

/**
 * A random case; `pixels` "many" gives >= WIDE_MIN_PIXELS output pixels (the widened kernel), "few"
 * fewer (the int8 one). `noTable`: a real scale above 1/2 (the mult/shift path); `runtimeWeights`:
 * weights from a graph input (not widenable: the int8 kernel).
 */
function wideCase(op: DspConv, seed: number, pixels: "many" | "few", noTable = false, runtimeWeights = false): QNode {
  const r = rng(seed);
  const c = IN_CHANNELS[randInt(r, 0, IN_CHANNELS.length - 1)]!;
  const o = OUT_CHANNELS[randInt(r, 0, OUT_CHANNELS.length - 1)]!;
  const oneByOne = op === "QConv2D1x1Dsp";
  const [kh, kw] = oneByOne ? [1, 1] : [randInt(r, 1, 3), randInt(r, 1, 3)];
  // Stride 1 and SAME-like pads keep the output as large as the input: odd sides give odd pixel counts.
  const [h, w] = pixels === "many" ? [randInt(r, 6, 9) | 1, randInt(r, 6, 9) | 1] : [randInt(r, 3, 5), randInt(r, 3, 5)];
  const scales = noTable
    ? { x_scale: 0.2, w_scale: Array.from({ length: o }, () => 0.05), y_scale: 0.005 }
    : { x_scale: randomScale(r, 0.005, 0.2), w_scale: Array.from({ length: o }, () => randomScale(r, 0.001, 0.05)), y_scale: randomScale(r, 0.01, 0.5) };
  const act = r() < 0.5 ? { act_min: randInt(r, -128, -20), act_max: randInt(r, 20, 127) } : {};
  return {
    op,
    inputs: [
      { value: randomInts("int8", [1, h, w, c], r) },
      { value: randomInts("int8", [o, kh, kw, c], r, -127, 127), constant: !runtimeWeights },
      r() < 0.8 ? { value: randomInts("int32", [o], r), constant: true } : undefined,
    ],
    attrs: {
      ...scales, ...act, x_zero_point: randInt(r, -128, 127), y_zero_point: randInt(r, -128, 127),
      strides: [1, 1],
      dilations: oneByOne ? [1, 1] : [randInt(r, 1, 2), 1],
      pads: oneByOne ? [0, 0, 0, 0] : [kh >> 1, kw >> 1, kh >> 1, kw >> 1],
    },
  };
}

describe("widened conv weights", () => {
  it("lay each channel's K weights out in the operand order, rows padded to an even length", () => {
    // O = 2, K = 5: one group of 4 stored (w0, w2, w1, w3), a tail of 1, a 0 to make the row 6 long.
    expect(Array.from(widenConvWeights([1, 2, 3, 4, 5, -1, -2, -3, -4, -5], 2, 5))).toEqual([1, 3, 2, 4, 5, 0, -1, -3, -2, -4, -5, 0]);
    // K = 3: no group, the tail in order and the pad.
    expect(Array.from(widenConvWeights([7, -8, 9], 1, 3))).toEqual([7, -8, 9, 0]);
  });
});

describe("DSP convolutions on widened weights and the 2x2 block tails", () => {
  it("equal QConv2D bit for bit: odd O, odd pixel counts, K % 4 != 0, K < 8, table and mult/shift paths (host C, ASan/UBSan)", async () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 10; s++) cases.push(wideCase("QConv2DDsp", 600 + s, s < 7 ? "many" : "few", s === 0, s === 9));
    for (let s = 0; s < 10; s++) cases.push(wideCase("QConv2D1x1Dsp", 700 + s, s < 7 ? "many" : "few", s === 1, s === 8));
    const generic = cases.map((c) => ({ ...c, op: "QConv2D" }));
    const { graph, feeds } = multiNodeGraph([...cases, ...generic]);
    const files = compile(graph).files;
    const modelC = files.get("model.c") ?? "";
    // Both kernels of both ops are exercised: 7 widened and 3 int8 calls each; of QConv2DDsp's
    // widened calls, those with C % 4 != 0 gather whole kernel rows (eg_qconv2d_i8_dsp_rows).
    const rows = modelC.match(/eg_qconv2d_i8_dsp_rows\(/g)?.length ?? 0;
    expect(rows).toBeGreaterThan(0);
    expect((modelC.match(/eg_qconv2d_i8_dsp_w16\(/g)?.length ?? 0) + rows).toBe(7);
    expect(modelC.match(/eg_qconv2d_1x1_i8_dsp_w16\(/g)).toHaveLength(7);
    expect(modelC.match(/eg_qconv2d_i8_dsp\(/g)).toHaveLength(3);
    expect(modelC.match(/eg_qconv2d_1x1_i8_dsp\(/g)).toHaveLength(3);
    const pixels = cases.map((c) => c.inputs[0]!.value.shape[1]! * c.inputs[0]!.value.shape[2]!);
    expect(pixels.slice(0, 7).every((p) => p >= WIDE_MIN_PIXELS && p % 2 === 1)).toBe(true);
    const got = await buildAndRunAsync(files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
    const ref = runGraph(graph, feeds);
    cases.forEach((c, i) => {
      const fast = Array.from(got[i]!.toNumbers());
      expect(fast, `case ${i} ${c.op} ${JSON.stringify(c.attrs)} vs QConv2D's C`).toEqual(Array.from(got[i + cases.length]!.toNumbers()));
      expect(fast, `case ${i} ${c.op} vs the evaluator`).toEqual(Array.from(ref[i]!.toNumbers()));
    });
    // The cases must exercise the arithmetic, not just saturate.
    expect(new Set(got.slice(0, cases.length).flatMap((t) => Array.from(t.toNumbers()))).size).toBeGreaterThan(150);
  });

  it("qconv_i8_dsp_w16 builds for Cortex-M4 with -Werror at -O0, -Os and -O2 (SMLAD) and for Cortex-M0+ (portable)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "egret-dsp-w16-"));
    try {
      const targets = [
        { flags: ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], native: true },
        { flags: ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"], native: false },
      ];
      for (const [t, target] of targets.entries()) {
        for (const level of ["-O0", "-Os", "-O2"]) {
          const obj = join(dir, `w16-${t}${level}.o`);
          await execFileAsync("arm-none-eabi-gcc", [
            ...target.flags, level, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
            "-I", RUNTIME_C_DIR, "-I", join(RUNTIME_C_DIR, "kernels"), "-c", join(RUNTIME_C_DIR, "kernels", "qconv_i8_dsp_w16.c"), "-o", obj,
          ], { timeout: CHILD_TIMEOUT_MS });
          const { stdout } = await execFileAsync("arm-none-eabi-objdump", ["-d", obj], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 24 });
          expect(/\bsmlad\b/.test(stdout), `${target.flags[0]} ${level}`).toBe(target.native);
          // At -O2 the widened GEMM's inner loop loads its weight pairs with LDRD.
          if (target.native && level === "-O2") expect(stdout).toMatch(/ldrd\s+\w+, \w+, \[\w+\], #8/);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
