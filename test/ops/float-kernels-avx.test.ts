import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, runGraph, type AttrValue, type Tensor } from "../../src/index.js";
import { buildAndRunAsync, compareClose, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { convCase, kernelCaseGraph, matmulCase, type KernelCase } from "./float-kernels-support.js";

/**
 * The 256-bit tiles x86 builds pick at run time (runtime-c/kernels/tile_avx_f32.c) against the
 * SSE2 tiles of the same build with -DEG_F32_NO_AVX: lane by lane the same products and adds in
 * the same order, so the outputs must be bit-identical, and both within the conformance
 * tolerance of the generic kernels and the evaluator. Rows of 16 pixels and more (the 16-column
 * tile), a last block of 8 or fewer (the 8-column tile), channel tails, strides, 1x1 direct
 * layers, and the 8-column tile under MatMulPacked and Conv2DWinograd.
 * On a CPU without AVX both builds run the SSE2 tiles and only the agreement is tested.
 */

const cpuHasAvx = (() => {
  try {
    return /^flags\s*:.*\bavx\b/m.test(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
})();

/** A Conv2DGemm case of c -> m channels, k x k kernel, on an h x w image. */
function wideConv(seed: number, c: number, m: number, h: number, w: number, k: number, stride: number, pad: number, bias = true): KernelCase {
  const attrs: Record<string, AttrValue> = { pads: [pad, pad, pad, pad], strides: [stride, stride] };
  return {
    label: `Conv2DGemm #${seed} ${c}->${m} ${k}x${k} s${stride} p${pad} on ${h}x${w}`,
    blocked: "Conv2DGemm",
    pack: { op: "PackConv2DWeights" },
    generic: "Conv",
    attrs,
    x: randomTensor([1, c, h, w], seed + 1),
    w: randomTensor([m, c, k, k], seed + 2),
    ...(bias ? { b: randomTensor([m], seed + 3) } : {}),
  };
}

/** The first n random MatMulPacked cases with 4 rows or more (those run eg_f32_tile). */
function rowTileMatmuls(n: number): KernelCase[] {
  const found: KernelCase[] = [];
  for (let seed = 400; found.length < n; seed++) {
    const kc = matmulCase(seed);
    if (kc.x.shape[kc.x.shape.length - 2]! >= 4) found.push(kc);
  }
  return found;
}

const CASES: readonly KernelCase[] = [
  wideConv(500, 5, 7, 4, 16, 3, 1, 1),
  wideConv(510, 3, 9, 3, 17, 3, 1, 1, false),
  wideConv(520, 6, 4, 5, 20, 3, 1, 1),
  wideConv(530, 4, 3, 3, 24, 3, 1, 1),
  wideConv(540, 2, 6, 6, 40, 3, 2, 1),
  wideConv(550, 7, 5, 2, 33, 2, 1, 0),
  wideConv(560, 9, 11, 5, 7, 1, 1, 0),
  wideConv(570, 4, 8, 2, 9, 1, 1, 0, false),
  // eg_f32_tile's users: MatMulPacked's row tiles and Winograd's GEMMs (the 8-column AVX tile).
  ...rowTileMatmuls(3),
  convCase("Conv2DWinograd", 302),
  convCase("Conv2DWinograd", 305),
];

async function run(cflags: string): Promise<Tensor[]> {
  const { graph, feeds } = kernelCaseGraph(CASES);
  return buildAndRunAsync(compile(graph, { optimize: false }).files, graph.outputs, feeds, { cflags });
}

describe("AVX float tiles (x86, chosen at run time)", () => {
  it(`equal the SSE2 tiles bit for bit and agree with the generic kernels${cpuHasAvx ? "" : " (no AVX on this CPU: agreement only)"}`, async () => {
    const { graph, feeds } = kernelCaseGraph(CASES);
    const ref = runGraph(graph, feeds);
    const [avx, sse] = await Promise.all([run(SANITIZE_CFLAGS), run(`${SANITIZE_CFLAGS} -DEG_F32_NO_AVX`)]);
    CASES.forEach((kc, k) => {
      const a = avx[2 * k]!;
      const s = sse[2 * k]!;
      expect(Buffer.from(a.bytes()).equals(Buffer.from(s.bytes())), `${kc.label}: AVX and SSE2 builds differ`).toBe(true);
      const vsGeneric = compareClose(a, avx[2 * k + 1]!);
      expect(vsGeneric.ok, `${kc.label} vs generic C: max |diff| ${vsGeneric.maxAbs} at ${vsGeneric.where}`).toBe(true);
      const vsRef = compareClose(a, ref[2 * k]!);
      expect(vsRef.ok, `${kc.label} vs evaluator: max |diff| ${vsRef.maxAbs} at ${vsRef.where}`).toBe(true);
    });
    const nonzero = avx.filter((_, i) => i % 2 === 0).flatMap((t) => Array.from(t.toNumbers())).filter((v) => v !== 0).length;
    expect(nonzero).toBeGreaterThan(1000);
  });
});
