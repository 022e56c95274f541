import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { PACKAGE_ROOT, RUNTIME_C_DIR } from "../../src/paths.js";
import { svdfCycles } from "../../backends/cortex-m/svdf-cost.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { multiNodeGraph, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

/**
 * The Armv7E-M SVDF kernels (runtime-c/kernels/qsvdf_i8_dsp.c, ops QSvdfStateDsp and
 * QSvdfOutputDsp) against the generic int16-state kernels: random layers built twice in one graph
 * (generic op and DSP twin on the same inputs), the host C (portable path of the DSP wrappers)
 * under ASan/UBSan equal to each other and to the evaluator; then several streaming steps from a
 * random state in C (a single graph run starts from the reset state, so it cannot see the shift);
 * then cross builds with -Werror. keyword_scrambled's golden under QEMU: test/backends/cortex-m-svdf.test.ts.
 */

function stateCase(r: () => number, name: string): QNode {
  const batch = randInt(r, 1, 2), depth = randInt(r, 1, 40), filters = randInt(r, 1, 13), memory = randInt(r, 1, 9);
  return {
    op: "QSvdfStateDsp",
    inputs: [{ value: randomInts("int8", [batch, depth], r) }, { value: randomInts("int8", [filters, depth], r, -127, 127), constant: true }],
    attrs: {
      x_scale: randomScale(r, 0.005, 0.2), x_zero_point: randInt(r, -128, 127), w_scale: [randomScale(r, 0.001, 0.05)],
      // Down to a state scale below x * w (a multiplier > 1: a left shift, not the table path).
      s_scale: randomScale(r, 0.00002, 0.01), s_zero_point: 0, memory_size: memory, to: "int16", state: name,
    },
  };
}

function outputCase(r: () => number): QNode {
  const batch = randInt(r, 1, 2), rank = randInt(r, 1, 3), units = randInt(r, 1, 9), memory = randInt(r, 1, 11);
  const filters = rank * units;
  // A sum of rank * M products of uniform int16 has a spread of ~sqrt(rank * M) * 3.6e8: scales
  // that bring it to ~+-40 output steps, so that the outputs do not saturate.
  const sScale = randomScale(r, 0.0001, 0.005), yScale = randomScale(r, 0.01, 0.5);
  const wScale = Math.fround((yScale * randomScale(r, 20, 80)) / (sScale * Math.sqrt(rank * memory) * 3.6e8));
  return {
    op: "QSvdfOutputDsp",
    inputs: [
      { value: randomInts("int16", [batch, filters * memory], r) },
      { value: randomInts("int16", [filters, memory], r), constant: true },
      r() < 0.8 ? { value: randomInts("int32", [units], r), constant: true } : undefined,
    ],
    attrs: { s_scale: sScale, s_zero_point: r() < 0.3 ? randInt(r, -300, 300) : 0, w_scale: [wScale], y_scale: yScale, y_zero_point: randInt(r, -128, 127), rank },
  };
}

const execFileAsync = promisify(execFile);

const asGeneric = (c: QNode): QNode => ({ ...c, op: c.op.replace(/Dsp$/, "") });

describe("SVDF DSP kernels equal the generic kernels bit for bit (host build, portable path)", () => {
  it("random state updates and time-weight outputs: odd depths, filters, memories, ranks, batches, state zero points", async () => {
    const r = rng(2415);
    const dsp: QNode[] = [];
    for (let s = 0; s < 14; s++) dsp.push(stateCase(r, `s${s}`));
    for (let s = 0; s < 14; s++) dsp.push(outputCase(r));
    // The generic twins keep distinct state names (each state op has its own buffer).
    const cases = [...dsp, ...dsp.map(asGeneric).map((c) => (c.attrs["state"] ? { ...c, attrs: { ...c.attrs, state: `g${String(c.attrs["state"])}` } } : c))];
    const { graph, feeds } = multiNodeGraph(cases);
    const c = await buildAndRunAsync(compile(graph).files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
    const ref = runGraph(graph, feeds);
    dsp.forEach((d, i) => {
      const fast = Array.from(c[i]!.toNumbers());
      expect(fast, `case ${i} ${d.op} ${JSON.stringify(d.attrs)} vs generic C`).toEqual(Array.from(c[i + dsp.length]!.toNumbers()));
      expect(fast, `case ${i} ${d.op} vs the evaluator`).toEqual(Array.from(ref[i]!.toNumbers()));
    });
    expect(new Set(c.slice(0, 14).flatMap((t) => Array.from(t.toNumbers()))).size, "state values spread").toBeGreaterThan(100);
    expect(new Set(c.slice(14, 28).flatMap((t) => Array.from(t.toNumbers()))).size, "outputs spread").toBeGreaterThan(40);
  });

  it("rejects int8 state, naming the node and the generic op", () => {
    const r = rng(3);
    const c = stateCase(r, "s");
    const int8State = { ...c, attrs: { ...c.attrs, to: "int8", s_zero_point: 3 } };
    expect(() => runGraph(multiNodeGraph([int8State]).graph, multiNodeGraph([int8State]).feeds)).toThrow(/case_0.*QSvdfStateDsp needs an int16 state.*use QSvdfState/);
  });
});

/**
 * Streaming: STEPS runs of the generic and the DSP state kernels from the same random state, on
 * random shapes (filters not a multiple of 4, odd cell counts), then the output kernels on the
 * final state with random state zero points. Prints "<bad> of <checked> differ".
 */
const STREAM_CHECK_C = `#include <stdio.h>
#include <string.h>
#include "qsvdf_i8.h"
#include "qsvdf_i8_dsp.h"
static uint32_t st = 2463534242u;
static uint32_t next(void) { st ^= st << 13; st ^= st >> 17; st ^= st << 5; return st; }
static int32_t rnd(int32_t lo, int32_t hi) { return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1)); }
enum { MAXB = 2, MAXI = 37, MAXF = 11, MAXM = 9, STEPS = 4 };
int main(void) {
  static int8_t x[MAXB * MAXI], w[MAXF * MAXI], y0[MAXB * MAXF], y1[MAXB * MAXF];
  static int16_t s0[MAXB * MAXF * MAXM], s1[MAXB * MAXF * MAXM], o0[MAXB * MAXF * MAXM], o1[MAXB * MAXF * MAXM], wt[MAXF * MAXM];
  static int32_t bias[MAXF];
  long bad = 0, checked = 0;
  int t, step, i;
  for (t = 0; t < 300; t++) {
    const int32_t b = rnd(1, MAXB), in = rnd(1, MAXI), f = rnd(1, MAXF), m = rnd(1, MAXM), rank = (f % 2 == 0 && rnd(0, 1)) ? 2 : 1;
    const int32_t cells = b * f * m;
    int32_t ps[8], po[8];
    eg_qdsp_requant rq;
    eg_qdsp_rq_entry es, eo;
    ps[0] = b; ps[1] = in; ps[2] = f; ps[3] = m; ps[4] = rnd(-128, 127); ps[5] = rnd(-20, 20);
    ps[6] = rnd(1 << 30, 0x7FFFFFFF); ps[7] = rnd(-12, 3);
    po[0] = b; po[1] = f; po[2] = m; po[3] = rank; po[4] = (t % 3 == 0) ? rnd(-500, 500) : 0; po[5] = rnd(-128, 127);
    po[6] = rnd(1 << 30, 0x7FFFFFFF); po[7] = rnd(-24, -8);
    for (i = 0; i < cells; i++) s0[i] = s1[i] = (int16_t)rnd(-32768, 32767);
    for (i = 0; i < f * in; i++) w[i] = (int8_t)rnd(-127, 127);
    for (i = 0; i < f * m; i++) wt[i] = (int16_t)rnd(-32768, 32767);
    for (i = 0; i < f / rank; i++) bias[i] = rnd(-100000, 100000);
    rq.mult = &ps[6]; rq.shift = &ps[7]; rq.per_channel = 1;
    eg_qdsp_requant_prepare(&rq, 1, &es);
    for (step = 0; step < STEPS; step++) {
      for (i = 0; i < b * in; i++) x[i] = (int8_t)rnd(-128, 127);
      eg_qsvdf_state_i16(x, w, s0, o0, ps);
      eg_qsvdf_state_i16_dsp(x, w, s1, o1, ps, rq.fast);
      checked += 2 * cells;
      bad += memcmp(s0, s1, (size_t)cells * 2) != 0;
      bad += memcmp(o0, o1, (size_t)cells * 2) != 0;
    }
    rq.mult = &po[6]; rq.shift = &po[7];
    eg_qdsp_requant_prepare(&rq, 1, &eo);
    eg_qsvdf_output_i16(o0, wt, (t & 1) ? bias : NULL, y0, po);
    eg_qsvdf_output_i16_dsp(o0, wt, (t & 1) ? bias : NULL, y1, po, rq.fast);
    checked += b * (f / rank);
    bad += memcmp(y0, y1, (size_t)(b * (f / rank))) != 0;
    /* The same without the table entry (the eg_qdsp_mul path). */
    eg_qsvdf_output_i16_dsp(o0, wt, (t & 1) ? bias : NULL, y1, po, NULL);
    bad += memcmp(y0, y1, (size_t)(b * (f / rank))) != 0;
  }
  printf("%ld of %ld differ\\n", bad, checked);
  return 0;
}
`;

describe("SVDF DSP kernels over several streaming steps from a random state (C, sanitizers)", () => {
  it("4 steps of the state update and the outputs on the last state equal the generic kernels on 300 random layers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "egret-svdf-dsp-"));
    try {
      writeFileSync(join(dir, "check.c"), STREAM_CHECK_C);
      const exe = join(dir, "check");
      const kernels = join(RUNTIME_C_DIR, "kernels");
      await execFileAsync("cc", [...SANITIZE_CFLAGS.split(" "), "-I", RUNTIME_C_DIR, "-I", kernels, join(dir, "check.c"),
        ...["qsvdf_i8.c", "qsvdf_i8_dsp.c", "qdsp_i8.c", "qfixed_i8.c"].map((f) => join(kernels, f)), "-o", exe]);
      const out = (await execFileAsync(exe, [])).stdout;
      expect(out).toMatch(/^0 of \d+ differ/);
      expect(Number(/of (\d+)/.exec(out)![1])).toBeGreaterThan(50_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cortex-m4 prices of the SVDF kernels", () => {
  it("prices each DSP op below its generic twin on keyword_scrambled's shapes", () => {
    const v = (dtype: "int8" | "int16" | "int32", shape: number[]) => ({ dtype, shape });
    for (const [i, f, m] of [[96, 64, 8], [16, 64, 8], [64, 32, 32]] as const) {
      const state = (op: string) => svdfCycles(op, [v("int8", [1, i]), v("int8", [f, i])], [v("int16", [1, f * m])])!;
      expect(state("QSvdfStateDsp")).toBeLessThan(state("QSvdfState"));
      const output = (op: string) => svdfCycles(op, [v("int16", [1, f * m]), v("int16", [f, m])], [v("int8", [1, f])])!;
      expect(output("QSvdfOutputDsp")).toBeLessThan(output("QSvdfOutput"));
    }
    expect(svdfCycles("QFullyConnected", [v("int8", [1, 4]), v("int8", [4, 4])], [v("int8", [1, 4])])).toBeUndefined();
  });
});

describe("qsvdf_i8_dsp cross-compiles with -Werror for every Cortex-M variant at -O0, -Os and -O2", () => {
  const variants = [
    { name: "cortex-m4", flags: ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], dsp: true },
    { name: "cortex-m7", flags: ["-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"], dsp: true },
    { name: "cortex-m0plus", flags: ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"], dsp: false },
  ];
  for (const v of variants) {
    it(`${v.name} (${v.dsp ? "SMLAD/SXTAB16 used" : "portable path"})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "egret-svdf-x-"));
      try {
        for (const level of ["-O0", "-Os", "-O2"]) {
          const obj = join(dir, `svdf${level}.o`);
          await execFileAsync("arm-none-eabi-gcc", [
            ...v.flags, level, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
            "-I", RUNTIME_C_DIR, "-I", join(RUNTIME_C_DIR, "kernels"), "-c", join(PACKAGE_ROOT, "runtime-c", "kernels", "qsvdf_i8_dsp.c"), "-o", obj,
          ]);
          const asm = (await execFileAsync("arm-none-eabi-objdump", ["-d", obj], { maxBuffer: 1 << 24 })).stdout;
          expect(/\bsmlad\b/.test(asm) && /\bsxtab16\b/.test(asm), `${v.name} at ${level}`).toBe(v.dsp);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
