import { describe, expect, it } from "vitest";
import { foldFcBias, packFcWeights } from "../../backends/cortex-m/ops/fc-packed-weights.js";
import { buildGraph, compile, runGraph } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { expectCEqualsEvaluator, multiNodeGraph, randomInts, rng, type QNode } from "../ops/quant-support.js";

/**
 * The compile-time operands of the packed Cortex-M FC kernel (backends/cortex-m/ops/fc-packed-weights.ts,
 * runtime-c/kernels/qfc_i8_dsp.h): the weight layout byte by byte, the folded bias with int32
 * wrap-around, and the generic kernel's C for weights computed at run time. Bit-exactness of the
 * kernel itself: test/ops/quant-dsp.test.ts (host, random shapes) and
 * test/backends/cortex-m-constructed.test.ts (QEMU, the asm path with every tail).
 */
describe("packed FC operands", () => {
  it("packs each group of 4 channels as 4-byte words per 4 k, then the k tails channel by channel; the last O % 4 rows stay plain", () => {
    const o = 6, k = 6;
    const w = Array.from({ length: o * k }, (_, i) => 10 * Math.floor(i / k) + (i % k)); // w[r][j] = 10 r + j
    const packed = Array.from(packFcWeights(w, o, k));
    expect(packed).toEqual([
      0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33, // k 0..3 of channels 0..3
      4, 5, 14, 15, 24, 25, 34, 35, // k 4..5 of channels 0..3
      40, 41, 42, 43, 44, 45, 50, 51, 52, 53, 54, 55, // channels 4 and 5 as plain rows
    ]);
  });

  it("folds x_offset * sum_k w into the bias, wrapping to int32 like the kernel's accumulator", () => {
    expect(foldFcBias([1, 2, 3, -4, -5, -6], [100, -7], 2, 3, 128)).toEqual([100 + 128 * 6, -7 - 128 * 15]);
    expect(foldFcBias([127, 127], undefined, 1, 2, -3)).toEqual([-762]);
    expect(foldFcBias([1], [2147483647], 1, 1, 1)).toEqual([-2147483648]);
  });

  it("an FC whose weights are computed at run time takes the generic kernel's C, bit-exact", () => {
    const r = rng(1501);
    const c: QNode = {
      op: "QFullyConnectedDsp",
      inputs: [{ value: randomInts("int8", [2, 19], r) }, { value: randomInts("int8", [7, 19], r, -127, 127) }, { value: randomInts("int32", [7], r), constant: true }],
      attrs: { x_scale: 0.02, x_zero_point: 5, w_scale: [0.01], y_scale: 0.05, y_zero_point: -3 },
    };
    expectCEqualsEvaluator([c]);
    const modelC = compile(multiNodeGraph([c]).graph).files.get("model.c")!;
    expect(modelC).toMatch(/eg_qfc_i8\(/);
    expect(modelC).not.toMatch(/eg_qfc_i8_dsp\(/);
    const constant: QNode = { ...c, inputs: [c.inputs[0], { value: c.inputs[1]!.value, constant: true }, c.inputs[2]] };
    const packedC = compile(multiNodeGraph([constant]).graph).files.get("model.c")!;
    expect(packedC).toMatch(/eg_qfc_i8_dsp\([^;]*_packed\.b/);
    expect(packedC, "the plain weights are not emitted beside the packed ones").not.toMatch(/w_c0_in1\[/);
  });

  it("two FCs sharing one weight tensor share its packed array, each with its own folded bias; bit-exact", () => {
    const r = rng(1502);
    const attrs = (zp: number) => ({ x_scale: 0.02, x_zero_point: zp, w_scale: [0.01, 0.02, 0.015], y_scale: 0.05, y_zero_point: 1 });
    const graph = buildGraph({
      name: "shared_fc", opset: 17,
      inputs: [{ name: "x1", dtype: "int8", dims: [1, 9] }, { name: "x2", dtype: "int8", dims: [1, 9] }],
      outputs: ["y1", "y2"],
      constants: new Map([["w", randomInts("int8", [3, 9], r, -127, 127)], ["b", randomInts("int32", [3], r)]]),
      nodes: [
        { name: "fc1", op: "QFullyConnectedDsp", inputs: ["x1", "w", "b"], outputs: ["y1"], attrs: attrs(-7) },
        { name: "fc2", op: "QFullyConnectedDsp", inputs: ["x2", "w", "b"], outputs: ["y2"], attrs: attrs(12) },
      ],
    });
    const result = compile(graph);
    const modelC = result.files.get("model.c")!;
    expect(modelC.match(/\} w_w_packed = /g)).toHaveLength(1);
    expect(modelC.match(/static const int32_t w_b_folded(_\d+)?\[3\]/g)).toHaveLength(2);
    expect(result.summary.weightsBytes).toBe(28 + 12);
    const feeds = [randomInts("int8", [1, 9], r), randomInts("int8", [1, 9], r)];
    const got = compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS });
    const want = runGraph(graph, feeds);
    expect(got.map((t) => Array.from(t.toNumbers()))).toEqual(want.map((t) => Array.from(t.toNumbers())));
  });
});
