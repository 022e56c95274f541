import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";

/**
 * The opset 19-25 forms of QuantizeLinear / DequantizeLinear: blocked scales, output_dtype,
 * int16 / int4 / float8 types and float16 scales. Values worked by hand where they are small;
 * random data checks the C against the interpreter bit for bit.
 */

const f32 = (shape: number[], v: number[]) => ({ value: Tensor.fromNumbers("float32", shape, v) });

describe("QuantizeLinear / DequantizeLinear, opset 21+ forms", () => {
  it("blocked: each block of `block_size` elements along the axis has its own scale and zero point", () => {
    // x [2, 4], axis 1, blocks of 2: scale [2, 2].
    const x = f32([2, 4], [1, 2, 3, 4, -1, -2, -3, -4]);
    const scale = f32([2, 2], [1, 0.5, 2, 0.25]);
    const zp = { value: Tensor.fromNumbers("int8", [2, 2], [0, 10, -5, 0]) };
    const { graph, feeds } = singleNodeGraph("QuantizeLinear", [x, scale, zp], { axis: 1, block_size: 2 }, 1, 21);
    // -1 / 2 = -0.5 rounds half to even (-0), plus the zero point -5.
    const want = [1, 2, 16, 18, -5, -6, -12, -16];
    expect(Array.from(runGraph(graph, feeds)[0]!.toNumbers())).toEqual(want);
    expect(Array.from(compileAndRun(graph, feeds)[0]!.toNumbers())).toEqual(want);
  });

  it("output_dtype int16 saturates to int16, int4 to [-8, 7]", () => {
    const x = f32([4], [40000, -40000, 9.6, -9.4]);
    for (const [code, want] of [[5, [32767, -32768, 10, -9]], [22, [7, -8, 7, -8]]] as const) {
      const { graph, feeds } = singleNodeGraph("QuantizeLinear", [x, f32([], [1])], { output_dtype: code }, 1, 21);
      expect(graph.outputs[0]!.dtype).toBe(code === 5 ? "int16" : "int4");
      expect(Array.from(compileAndRun(graph, feeds)[0]!.toNumbers())).toEqual(want);
    }
  });

  it("float8 outputs saturate unless saturate = 0; DequantizeLinear of float8 with a float16 scale gives float16", () => {
    const x = f32([3], [1000, -0.3, 3]);
    const zp = { value: new Tensor("float8e4m3fn", [1]) };
    const sat = singleNodeGraph("QuantizeLinear", [x, f32([], [0.5]), zp], {}, 1, 21);
    expect(Array.from(runGraph(sat.graph, sat.feeds)[0]!.toNumbers())).toEqual([448, -0.625, 6]);
    const wild = singleNodeGraph("QuantizeLinear", [x, f32([], [0.5]), zp], { saturate: 0 }, 1, 21);
    expect(runGraph(wild.graph, wild.feeds)[0]!.toNumbers()[0]).toBeNaN();
    const codes = new Tensor("float8e4m3fn", [4], Uint8Array.from([0x38, 0xb8, 0x7e, 0x01]));
    const dq = singleNodeGraph("DequantizeLinear", [{ value: codes }, { value: Tensor.fromNumbers("float16", [], [2]) }], {}, 1, 21);
    expect(dq.graph.outputs[0]!.dtype).toBe("float16");
    expect(Array.from(compileAndRun(dq.graph, dq.feeds)[0]!.toNumbers())).toEqual([2, -2, 896, 2 ** -8]);
  });

  it("random blocked int4 and per-axis uint16 round trips: the C equals the interpreter", () => {
    const x = randomTensor([3, 8, 2], 21, -4, 4);
    const cases = [
      { attrs: { axis: 1, block_size: 3 }, scale: randomTensor([3, 3, 2], 22, 0.2, 0.9), zp: Tensor.fromNumbers("int4", [3, 3, 2], [1, -2, 0, 3, -1, 2, 0, 0, 1, -3, 2, 1, 0, -1, 1, 2, -2, 0]) },
      { attrs: { axis: 2 }, scale: Tensor.fromNumbers("float32", [2], [0.001, 0.0003]), zp: Tensor.fromNumbers("uint16", [2], [30000, 100]) },
    ];
    for (const c of cases) {
      const q = singleNodeGraph("QuantizeLinear", [{ value: x }, { value: c.scale }, { value: c.zp }], c.attrs, 1, 21);
      const qc = compileAndRun(q.graph, q.feeds, { cflags: SANITIZE_CFLAGS })[0]!;
      expect(Array.from(qc.data, String)).toEqual(Array.from(runGraph(q.graph, q.feeds)[0]!.data, String));
      const d = singleNodeGraph("DequantizeLinear", [{ value: qc }, { value: c.scale }, { value: c.zp }], c.attrs, 1, 21);
      const dc = compileAndRun(d.graph, d.feeds, { cflags: SANITIZE_CFLAGS })[0]!;
      expect(Array.from(dc.toNumbers())).toEqual(Array.from(runGraph(d.graph, d.feeds)[0]!.toNumbers()));
      expect(new Set(dc.toNumbers()).size).toBeGreaterThan(8);
    }
  });

  it("names the node and the shape a blocked scale needs", () => {
    const e = errorOf(() => singleNodeGraph("DequantizeLinear", [{ value: new Tensor("int8", [2, 4]) }, f32([2, 3], [1, 1, 1, 1, 1, 1])], { axis: 1, block_size: 2 }, 1, 21));
    expect(e.message).toMatch(/DequantizeLinear.*block_size 2 along axis 1, the x_scale must be 2x2, got 2x3/);
  });
});
