import { describe, expect, it } from "vitest";
import { buildGraph, compile, runGraph, Tensor, type AttrValue } from "../../src/index.js";
import { buildAndRunAsync, compareClose, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor, rng } from "../support/graphs.js";

/**
 * eg_pool_f32's row path (runtime-c/kernels/pool_f32.c pool_row_interior): the outputs whose
 * window lies inside the input along W are computed a tap at a time across the row, the rest
 * (and MaxPool with indices) per output. Random 2-D and 3-D MaxPool/AveragePool layers wide
 * enough to have interior columns and borders, strides, dilations, pads, ceil_mode and both
 * AveragePool divisors, with Inf and NaN taps, all in one host build under ASan/UBSan: every
 * output equals the interpreter's (NaN where it has NaN).
 */

const randInt = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

interface PoolCase {
  readonly op: "MaxPool" | "AveragePool";
  readonly x: Tensor;
  readonly attrs: Record<string, AttrValue>;
}

function poolCase(seed: number): PoolCase {
  const r = rng(seed);
  const op = r() < 0.5 ? "MaxPool" : "AveragePool";
  const rank = r() < 0.25 ? 3 : 2;
  const kernel = Array.from({ length: rank }, () => randInt(r, 1, 3));
  const strides = Array.from({ length: rank }, () => randInt(r, 1, 2));
  const dilations = op === "MaxPool" ? Array.from({ length: rank }, () => randInt(r, 1, 2)) : kernel.map(() => 1);
  const pads = [...kernel.map((k) => randInt(r, 0, k - 1)), ...kernel.map((k) => randInt(r, 0, k - 1))];
  const spatial = kernel.map((k, i) => (i === rank - 1 ? randInt(r, 12, 40) : randInt(r, k * dilations[i]!, 9)));
  const shape = [randInt(r, 1, 2), randInt(r, 1, 3), ...spatial];
  const values = randomTensor(shape, seed + 1).toNumbers();
  // A few Inf and NaN taps: the row path keeps the per-output NaN rule and the double-sum fallback.
  for (const special of [Infinity, NaN, -Infinity]) values[randInt(r, 0, values.length - 1)] = special;
  return {
    op,
    x: Tensor.fromNumbers("float32", shape, values),
    attrs: {
      kernel_shape: kernel,
      strides,
      pads,
      ...(op === "MaxPool" ? { dilations } : { count_include_pad: randInt(r, 0, 1) }),
      ceil_mode: randInt(r, 0, 1),
    },
  };
}

describe("pooling rows: C equals the interpreter (host build, ASan/UBSan)", () => {
  it("random 2-D and 3-D MaxPool / AveragePool with interior columns, borders, Inf and NaN taps", async () => {
    const cases = Array.from({ length: 24 }, (_, i) => poolCase(700 + i));
    const graph = buildGraph({
      name: "pool_rows",
      opset: 17,
      inputs: cases.map((c, k) => ({ name: `x${k}`, dtype: "float32" as const, dims: [...c.x.shape] })),
      outputs: cases.map((_, k) => `y${k}`),
      constants: new Map(),
      nodes: cases.map((c, k) => ({ name: `pool${k}`, op: c.op, inputs: [`x${k}`], outputs: [`y${k}`], attrs: c.attrs })),
    });
    const feeds = cases.map((c) => c.x);
    const want = runGraph(graph, feeds);
    const got = await buildAndRunAsync(compile(graph, { optimize: false }).files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
    let nan = 0;
    let finite = 0;
    cases.forEach((c, k) => {
      const label = `${c.op} #${700 + k} x${JSON.stringify(c.x.shape)} ${JSON.stringify(c.attrs)}`;
      const g = got[k]!.toNumbers();
      const w = want[k]!.toNumbers();
      expect(g.length, label).toBe(w.length);
      const nanAt = (v: Float64Array) => Array.from(v, (e, i) => (Number.isNaN(e) ? i : -1)).filter((i) => i >= 0);
      expect(nanAt(g), `${label}: NaN outputs`).toEqual(nanAt(w));
      const clean = (v: Float64Array) => Tensor.fromNumbers("float32", [v.length], Array.from(v, (e) => (Number.isNaN(e) ? 0 : e)));
      const cmp = compareClose(clean(g), clean(w));
      expect(cmp.ok, `${label}: max |diff| ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
      nan += nanAt(g).length;
      finite += g.filter((e) => Number.isFinite(e)).length;
    });
    // The cases reach both the NaN rule and thousands of ordinary outputs.
    expect(nan).toBeGreaterThan(0);
    expect(finite).toBeGreaterThan(2000);
  });
});
