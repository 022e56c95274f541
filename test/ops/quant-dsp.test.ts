import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { PACKAGE_ROOT, RUNTIME_C_DIR } from "../../src/paths.js";
import { checkRules } from "../../src/rules/check.js";
import { loadRuleFiles } from "../../src/rules/load.js";
import { quantMacCycles } from "../../backends/cortex-m/quant-cost.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { multiNodeGraph, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";
import { OPS, VOCABULARY } from "../support/toolchain.js";

/**
 * The Armv7E-M int8 kernels (runtime-c/kernels/q*_dsp.c, ops QConv2DDsp, QConv2D1x1Dsp,
 * QDepthwiseConv2D3x3Dsp, QDepthwiseConv2DDsp, QFullyConnectedDsp) against the generic kernels: each random case is
 * built twice in one graph, as the generic op and as its DSP twin on the same inputs, and the
 * generated C (host build: the portable fallback of the DSP wrappers, with the same blocking and
 * packing as the target) must give identical bytes, under ASan/UBSan. The cross builds check that
 * each unit compiles with -Werror for every Cortex-M variant and that the M4/M7 objects really use
 * SMLAD/SXTB16 (the native path), the M0+ object not.
 */

type DspOp = "QConv2DDsp" | "QConv2D1x1Dsp" | "QDepthwiseConv2D3x3Dsp" | "QDepthwiseConv2DDsp" | "QFullyConnectedDsp";
const GENERIC: Record<DspOp, string> = {
  QConv2DDsp: "QConv2D", QConv2D1x1Dsp: "QConv2D", QDepthwiseConv2D3x3Dsp: "QDepthwiseConv2D", QDepthwiseConv2DDsp: "QDepthwiseConv2D",
  QFullyConnectedDsp: "QFullyConnected",
};

/** Channel counts with odd values, tails of 1-3 after groups of 4, and exact multiples of 4. */
const CHANNELS = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13];

function qattrs(r: () => number, channels: number): Record<string, number | number[]> {
  const perChannel = r() < 0.7;
  const act = r() < 0.5 ? { act_min: randInt(r, -128, -20), act_max: randInt(r, 20, 127) } : {};
  return {
    x_scale: randomScale(r, 0.005, 0.2), x_zero_point: randInt(r, -128, 127),
    w_scale: Array.from({ length: perChannel ? channels : 1 }, () => randomScale(r, 0.001, 0.05)),
    y_scale: randomScale(r, 0.01, 0.5), y_zero_point: randInt(r, -128, 127), ...act,
  };
}

function convCase(op: Exclude<DspOp, "QFullyConnectedDsp" | "QDepthwiseConv2DDsp">, seed: number): QNode {
  const r = rng(seed);
  const c = CHANNELS[randInt(r, 0, CHANNELS.length - 1)]!;
  const depthwise = op === "QDepthwiseConv2D3x3Dsp";
  const [kh, kw] = op === "QConv2D1x1Dsp" ? [1, 1] : depthwise ? [3, 3] : r() < 0.2 ? [4, 2] : [randInt(r, 1, 3), randInt(r, 1, 3)];
  const o = depthwise ? c : randInt(r, 1, 9);
  const pads = op === "QConv2D1x1Dsp" ? [0, 0, 0, 0] : [randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2)];
  const dilations = op === "QConv2D1x1Dsp" ? [1, 1] : [randInt(r, 1, 2), randInt(r, 1, 2)];
  return {
    op,
    inputs: [
      { value: randomInts("int8", [randInt(r, 1, 2), randInt(r, 5, 9), randInt(r, 5, 9), c], r) },
      { value: randomInts("int8", depthwise ? [1, kh, kw, c] : [o, kh, kw, c], r, -127, 127), constant: true },
      r() < 0.85 ? { value: randomInts("int32", [o], r), constant: true } : undefined,
    ],
    attrs: {
      ...qattrs(r, o), strides: [randInt(r, 1, 2), randInt(r, 1, 2)], dilations, pads,
      ...(depthwise ? { depth_multiplier: 1 } : {}),
    },
  };
}

/** The general depthwise kernel: kernels 1x1 to 7x7 (3x1, 1x5, ...), strides and dilations 1-2, depth multipliers 1-3. */
function depthwiseCase(seed: number): QNode {
  const r = rng(seed);
  const c = CHANNELS[randInt(r, 0, CHANNELS.length - 1)]!;
  const m = r() < 0.7 ? 1 : randInt(r, 2, 3);
  const [kh, kw] = [randInt(r, 1, 7), randInt(r, 1, 7)];
  const [dh, dw] = [randInt(r, 1, 2), randInt(r, 1, 2)];
  // At least one full window: the input is no smaller than the dilated kernel.
  const [h, w] = [Math.max(randInt(r, 5, 11), (kh - 1) * dh + 1), Math.max(randInt(r, 5, 11), (kw - 1) * dw + 1)];
  return {
    op: "QDepthwiseConv2DDsp",
    inputs: [
      { value: randomInts("int8", [randInt(r, 1, 2), h, w, c], r) },
      { value: randomInts("int8", [1, kh, kw, c * m], r, -127, 127), constant: true },
      r() < 0.85 ? { value: randomInts("int32", [c * m], r), constant: true } : undefined,
    ],
    attrs: {
      ...qattrs(r, c * m), strides: [randInt(r, 1, 2), randInt(r, 1, 2)], dilations: [dh, dw],
      pads: [randInt(r, 0, 3), randInt(r, 0, 3), randInt(r, 0, 3), randInt(r, 0, 3)], depth_multiplier: m,
    },
  };
}

function fcCase(seed: number): QNode {
  const r = rng(seed);
  const k = randInt(r, 1, 70), o = randInt(r, 1, 13), rows = randInt(r, 1, 3);
  return {
    op: "QFullyConnectedDsp",
    inputs: [
      { value: randomInts("int8", [rows, k], r) },
      { value: randomInts("int8", [o, k], r, -127, 127), constant: true },
      r() < 0.85 ? { value: randomInts("int32", [o], r), constant: true } : undefined,
    ],
    attrs: qattrs(r, o),
  };
}

function asGeneric(c: QNode): QNode {
  return { ...c, op: GENERIC[c.op as DspOp] };
}

describe("DSP int8 kernels equal the generic kernels bit for bit (host build, portable path)", () => {
  it("random conv, 1x1, depthwise 3x3, general depthwise and FC cases: odd channels, padding, strides, dilations", () => {
    const dsp: QNode[] = [];
    for (let s = 0; s < 14; s++) dsp.push(convCase("QConv2DDsp", 700 + s));
    for (let s = 0; s < 8; s++) dsp.push(convCase("QConv2D1x1Dsp", 800 + s));
    for (let s = 0; s < 12; s++) dsp.push(convCase("QDepthwiseConv2D3x3Dsp", 900 + s));
    for (let s = 0; s < 10; s++) dsp.push(fcCase(1000 + s));
    for (let s = 0; s < 16; s++) dsp.push(depthwiseCase(1100 + s));
    const cases = [...dsp, ...dsp.map(asGeneric)];
    const { graph, feeds } = multiNodeGraph(cases);
    const c = compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS });
    const ref = runGraph(graph, feeds);
    dsp.forEach((d, i) => {
      const fast = Array.from(c[i]!.toNumbers());
      const generic = Array.from(c[i + dsp.length]!.toNumbers());
      expect(fast, `case ${i} ${d.op} ${JSON.stringify(d.attrs)} vs generic C`).toEqual(generic);
      expect(fast, `case ${i} ${d.op} vs the evaluator`).toEqual(Array.from(ref[i]!.toNumbers()));
    });
    // The cases must exercise the arithmetic, not just saturate.
    expect(new Set(c.slice(0, dsp.length).flatMap((t) => Array.from(t.toNumbers()))).size).toBeGreaterThan(150);
  });

  it("each DSP op rejects the shapes its kernel does not handle, naming the node and the fallback", () => {
    const x = { value: Tensor.fromNumbers("int8", [1, 4, 4, 2], new Array<number>(32).fill(1)) };
    const attrs = { x_scale: 1, w_scale: [1], y_scale: 1 };
    const w3 = { value: Tensor.fromNumbers("int8", [1, 3, 3, 2], new Array<number>(18).fill(1)), constant: true };
    const run = (c: QNode) => runGraph(multiNodeGraph([c]).graph, multiNodeGraph([c]).feeds);
    expect(() => run({ op: "QConv2D1x1Dsp", inputs: [x, w3], attrs })).toThrow(/case_0.*QConv2D1x1Dsp needs a 1x1 kernel.*use QConv2D/);
    const w1 = { value: Tensor.fromNumbers("int8", [1, 1, 1, 2], [1, 1]), constant: true };
    expect(() => run({ op: "QConv2D1x1Dsp", inputs: [x, w1], attrs: { ...attrs, pads: [1, 0, 0, 0] } })).toThrow(/needs no padding/);
    const grouped = { value: Tensor.fromNumbers("int8", [2, 1, 1, 1], [1, 1]), constant: true };
    expect(() => run({ op: "QConv2DDsp", inputs: [x, grouped], attrs })).toThrow(/ungrouped/);
    const dw2 = { value: Tensor.fromNumbers("int8", [1, 2, 2, 2], new Array<number>(8).fill(1)), constant: true };
    expect(() => run({ op: "QDepthwiseConv2D3x3Dsp", inputs: [x, dw2], attrs })).toThrow(/needs a 3x3 kernel/);
    const x16 = { value: Tensor.fromNumbers("int16", [1, 2], [1, 1]) };
    expect(() => run({ op: "QFullyConnectedDsp", inputs: [x16, { value: Tensor.fromNumbers("int8", [1, 2], [1, 1]), constant: true }], attrs: { x_scale: 1, w_scale: [1], y_scale: 1 } }))
      .toThrow(/needs int8 activations/);
  });
});

/**
 * eg_qdsp_mul (the DSP kernels' shorter MultiplyByQuantizedMultiplier, qdsp_i8.h) and, for the
 * shifts in [-31, -1] it accepts, the single-rounding table path eg_qdsp_rq_fast (as built by
 * eg_qdsp_requant_prepare) against eg_q_mul (qfixed_i8.h, the generic kernels') on random and edge
 * accumulators, every shift in [-31, 31] and multipliers >= 0 (what QuantizeMultiplier produces),
 * in C under the sanitizers (the portable path; the target's SMLAL path runs in test/backends).
 */
const MUL_CHECK_C = `#include <stdio.h>
#include "qdsp_i8.h"
static uint32_t st = 12345u;
static uint32_t next(void) { st ^= st << 13; st ^= st >> 17; st ^= st << 5; return st; }
/* 1 when eg_qdsp_mul or (for shifts it takes) the prepared fast path differs from eg_q_mul. */
static int differs(int32_t x, int32_t m, int32_t s) {
  const int32_t want = eg_q_mul(x, m, s);
  eg_qdsp_rq_entry e;
  eg_qdsp_requant rq;
  rq.mult = &m;
  rq.shift = &s;
  rq.per_channel = 1;
  eg_qdsp_requant_prepare(&rq, 1, &e);
  if (eg_qdsp_mul(x, m, s) != want) return 1;
  if ((rq.fast != NULL) != (s <= -1)) return 1;
  return rq.fast != NULL && eg_qdsp_rq_fast(x, rq.fast) != want;
}
int main(void) {
  static const int32_t edges[] = {0, 1, -1, 2, -2, 127, -128, 255, -255, 1 << 30, -(1 << 30), 2147483647, -2147483647 - 1, 2147483646, -2147483647, 65535, -65536};
  long bad = 0, n = 0;
  int32_t i, j, s;
  for (i = 0; i < 1000000; i++) {
    int32_t x = (int32_t)next(), m = (int32_t)(next() >> 1);
    if ((i & 3) == 0) x >>= (next() % 31);
    if ((i & 7) == 1) m = edges[next() % 17] & 0x7FFFFFFF;
    if ((i & 15) == 2) x = edges[next() % 17];
    s = (int32_t)(next() % 63) - 31;
    n++;
    if (differs(x, m, s)) bad++;
  }
  for (i = 0; i < 17; i++) for (j = 0; j < 17; j++) for (s = -31; s <= 31; s++) {
    n++;
    if (differs(edges[i], edges[j] & 0x7FFFFFFF, s)) bad++;
  }
  printf("%ld of %ld differ\\n", bad, n);
  return 0;
}
`;

describe("the DSP kernels' requantization equals TFLite's double rounding", () => {
  it("eg_qdsp_mul and eg_qdsp_rq_fast == eg_q_mul on 1M random and all edge cases", () => {
    const dir = mkdtempSync(join(tmpdir(), "egret-dsp-mul-"));
    try {
      writeFileSync(join(dir, "check.c"), MUL_CHECK_C);
      const exe = join(dir, "check");
      execFileSync("cc", [...SANITIZE_CFLAGS.split(" "), "-I", RUNTIME_C_DIR, "-I", join(RUNTIME_C_DIR, "kernels"), join(dir, "check.c"), join(RUNTIME_C_DIR, "kernels", "qdsp_i8.c"), "-o", exe], { stdio: ["ignore", "pipe", "pipe"] });
      const out = execFileSync(exe, { encoding: "utf8" });
      expect(out).toMatch(/^0 of \d+ differ/);
      expect(Number(/of (\d+)/.exec(out)![1])).toBeGreaterThan(1_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("rules/targets/cortex-m.rules", () => {
  it("every lowering passes the soundness checker on int8 instances (guards within what each DSP op accepts)", () => {
    const rules = loadRuleFiles([join(PACKAGE_ROOT, "rules", "targets", "cortex-m.rules")], VOCABULARY);
    expect(rules.map((r) => r.name)).toContain("qdepthwise-one-channel-dsp");
    const results = checkRules(rules, { runs: 30, seed: 7 });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    for (const r of results) expect(r.instances, r.rule).toBeGreaterThan(5);
  });
});

describe("cortex-m4 prices of the int8 kernels", () => {
  it("prices every DSP op below its generic twin on a KWS-sized layer", () => {
    const x = { dtype: "int8" as const, shape: [1, 25, 5, 64] };
    const price = (op: string, w: number[], out: number[], attrs: Record<string, number | number[]> = {}) =>
      quantMacCycles({ name: "n", op, inputs: ["x", "w"], outputs: ["y"], attrs: { x_scale: 1, w_scale: [1], y_scale: 1, ...attrs } },
        [x, { dtype: "int8", shape: w }], [{ dtype: "int8", shape: out }], OPS)!;
    expect(price("QConv2D1x1Dsp", [64, 1, 1, 64], [1, 25, 5, 64])).toBeLessThan(price("QConv2DDsp", [64, 1, 1, 64], [1, 25, 5, 64]));
    expect(price("QConv2DDsp", [64, 1, 1, 64], [1, 25, 5, 64])).toBeLessThan(price("QConv2D", [64, 1, 1, 64], [1, 25, 5, 64]));
    const dw = { pads: [1, 1, 1, 1], depth_multiplier: 1 };
    expect(price("QDepthwiseConv2D3x3Dsp", [1, 3, 3, 64], [1, 25, 5, 64], dw)).toBeLessThan(price("QDepthwiseConv2D", [1, 3, 3, 64], [1, 25, 5, 64], dw));
    expect(quantMacCycles({ name: "n", op: "Relu", inputs: ["x"], outputs: ["y"], attrs: {} }, [x], [x], OPS)).toBeUndefined();
  });
});

// -O0 (CMake Debug) and -Os leave too few registers for the hand-scheduled asm loops; the units must
// still build there (they fall back to the C loops of the same DSP wrappers).
describe("DSP kernel units cross-compile with -Werror for every Cortex-M variant at -O0, -Os and -O2", () => {
  const variants = [
    { name: "cortex-m4", flags: ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], dsp: true },
    { name: "cortex-m7", flags: ["-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"], dsp: true },
    { name: "cortex-m0plus", flags: ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"], dsp: false },
  ];
  for (const v of variants) {
    it(`${v.name}: qdsp_i8, qconv_i8_dsp, qfc_i8_dsp, qdepthwise_i8_dsp, qdepthwise3x3_i8_dsp, qdepthwise3x3_i8_2a (${v.dsp ? "SMLAD/SXTB16 used" : "portable path"})`, () => {
      const dir = mkdtempSync(join(tmpdir(), "egret-dsp-"));
      try {
        for (const [unit, level] of ["qdsp_i8", "qconv_i8_dsp", "qfc_i8_dsp", "qdepthwise_i8_dsp", "qdepthwise3x3_i8_dsp", "qdepthwise3x3_i8_2a"].flatMap((u) => ["-O0", "-Os", "-O2"].map((l) => [u, l] as const))) {
          const obj = join(dir, `${unit}${level}.o`);
          execFileSync("arm-none-eabi-gcc", [
            ...v.flags, level, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
            "-I", RUNTIME_C_DIR, "-I", join(RUNTIME_C_DIR, "kernels"), "-c", join(RUNTIME_C_DIR, "kernels", `${unit}.c`), "-o", obj,
          ], { stdio: ["ignore", "pipe", "pipe"] });
          const asm = execFileSync("arm-none-eabi-objdump", ["-d", obj], { encoding: "utf8", maxBuffer: 1 << 24 });
          const native = /\bsmla(d|bb|tt)\b/.test(asm) && /\bsxtb16\b/.test(asm);
          // qconv_i8_dsp drives qdsp_i8's GEMM (its MACs are there), so it has no MAC of its own.
          if (unit !== "qconv_i8_dsp") expect(native, `${unit} on ${v.name} at ${level}`).toBe(v.dsp);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
