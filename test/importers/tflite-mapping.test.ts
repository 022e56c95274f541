import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { describeGraph, formatInfo } from "../../src/cli/info.js";
import { importTflite, readTflite, readTfliteQuantization } from "../../src/importers/tflite/index.js";
import { PADDING_SAME, PADDING_VALID, windowPads } from "../../src/importers/tflite/geometry.js";
import { OpContext, type ImportState } from "../../src/importers/tflite/context.js";
import type { TfliteOperator, TfliteTensor } from "../../src/importers/tflite/model.js";
import { ACT_NONE, ACT_RELU, ACT_RELU6, ACT_RELU_N1_TO_1, activationRange } from "../../src/importers/tflite/quant.js";
import { compileAndRun } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";

const useShared = sharedFor("TFLite operator mapping tests on corpus models");

function load(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, "models/tflite", file)));
}

/** The numbers of the C array `name` in a TFLM example header (the non-Ethos-U branch: the last one). */
function cArray(text: string, name: string): number[] {
  const at = text.lastIndexOf(`${name}[] = {`);
  const body = text.slice(text.indexOf("{", at) + 1, text.indexOf("}", at));
  return body.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
}

describe("TFLite geometry", () => {
  it("pads like ComputePaddingHeightWidth: SAME puts the odd cell at the end, VALID pads nothing", () => {
    const base = { input: [49, 10] as const, kernel: [10, 4] as const, strides: [2, 2] as const, dilations: [1, 1] as const };
    expect(windowPads({ ...base, padding: PADDING_SAME })).toEqual([4, 1, 5, 1]);
    expect(windowPads({ ...base, padding: PADDING_VALID })).toEqual([0, 0, 0, 0]);
    // Dilation 2 makes a 3x3 kernel span 5 cells: total padding 4 at stride 1.
    expect(windowPads({ input: [8, 8], kernel: [3, 3], strides: [1, 1], dilations: [2, 2], padding: PADDING_SAME })).toEqual([2, 2, 2, 2]);
    // A stride that fits exactly needs no padding even with SAME.
    expect(windowPads({ input: [8, 8], kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padding: PADDING_SAME })).toEqual([0, 0, 0, 0]);
  });
});

/** An operator context over one int8 output tensor with the given quantization. */
function outputContext(scale: number, zeroPoint: number): { cx: OpContext; out: TfliteTensor } {
  const out: TfliteTensor = { index: 0, name: "y", shape: [1], type: 9, buffer: 0, quantization: { scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 }, isVariable: false };
  const state = { names: ["y"], graph: { tensors: [out] } } as unknown as ImportState;
  const op: TfliteOperator = { index: 0, opcodeIndex: 0, inputs: [], outputs: [0], optionsType: 0, options: undefined };
  return { cx: new OpContext(state, op, "CONV_2D"), out };
}

describe("TFLite fused activation ranges (CalculateActivationRangeQuantized)", () => {
  it("clamps to zp + round(bound / scale), intersected with the int8 range", () => {
    const { cx, out } = outputContext(0.1, 10);
    expect(activationRange(cx, ACT_NONE, out)).toEqual({ act_min: -128, act_max: 127 });
    expect(activationRange(cx, ACT_RELU, out)).toEqual({ act_min: 10, act_max: 127 });
    expect(activationRange(cx, ACT_RELU6, out)).toEqual({ act_min: 10, act_max: 70 });
    expect(activationRange(cx, ACT_RELU_N1_TO_1, out)).toEqual({ act_min: 0, act_max: 20 });
    const narrow = outputContext(0.01, -100);
    expect(activationRange(narrow.cx, ACT_RELU6, narrow.out)).toEqual({ act_min: -100, act_max: 127 });
    expect(() => activationRange(cx, 4, out)).toThrow(/fused activation TANH is not supported on integer tensors/);
  });
});

describe("TFLite operator mapping", () => {
  it("maps kws_ref_model onto the quantized ops with TFLite's attributes", (ctx) => {
    const shared = useShared(ctx);
    const raw = readTflite(load(shared, "mlperf-tiny/kws/kws_ref_model.tflite"), "kws_ref_model.tflite");
    expect(raw.nodes.map((n) => n.op)).toEqual([
      "QConv2D", "QDepthwiseConv2D", "QConv2D", "QDepthwiseConv2D", "QConv2D", "QDepthwiseConv2D", "QConv2D",
      "QDepthwiseConv2D", "QConv2D", "QAveragePool2D", "Reshape", "QFullyConnected", "QSoftmax",
    ]);
    const first = raw.nodes[0]!;
    // 10x4 filter, stride 2, SAME over 49x10 (TFLite: total padding 9 rows, 2 columns).
    expect(first.attrs).toMatchObject({ strides: [2, 2], dilations: [1, 1], pads: [4, 1, 5, 1], x_zero_point: 83, y_zero_point: -128, act_min: -128, act_max: 127 });
    expect(first.attrs["x_scale"]).toBeCloseTo(0.584702909, 8);
    expect((first.attrs["w_scale"] as number[]).length).toBe(64);
    expect(raw.nodes[1]!.attrs).toMatchObject({ depth_multiplier: 1, pads: [1, 1, 1, 1] });
    expect(raw.nodes[9]!.attrs).toMatchObject({ kernel: [25, 5], strides: [25, 5], pads: [0, 0, 0, 0] });
    expect((raw.nodes[11]!.attrs["w_scale"] as number[]).length).toBe(1);
    expect(raw.nodes[12]!.attrs).toMatchObject({ beta: 1, y_scale: 0.00390625, y_zero_point: -128 });
    // Graph tensors keep the TFLite names.
    expect(raw.nodes[12]!.outputs).toEqual(["Identity"]);
    expect(raw.nodes[10]!.outputs).toEqual(["functional_1/flatten/Reshape"]);
  });

  it("person_detect's fused RELU6 clamps to exactly the int8 range (scale 6/255, zero point -128)", (ctx) => {
    const shared = useShared(ctx);
    const raw = readTflite(load(shared, "tflm-models/person_detect.tflite"), "person_detect.tflite");
    const relu6 = raw.nodes.filter((n) => (n.op === "QConv2D" || n.op === "QDepthwiseConv2D") && n.attrs["y_scale"] === Math.fround(6 / 255));
    expect(relu6).toHaveLength(26);
    for (const n of relu6) expect([n.attrs["act_min"], n.attrs["act_max"]]).toEqual([-128, 127]);
  });

  it("maps int16 SEANet STRIDED_SLICE, PAD, LEAKY_RELU and SUB onto generic and quantized ops", (ctx) => {
    const shared = useShared(ctx);
    const first = (file: string) => readTflite(load(shared, `tflm-seanet/${file}`), file).nodes;
    const [slice] = first("strided_slice/strided_slice0.tflite");
    expect(slice!.op).toBe("Slice");
    expect(slice!.attrs).toMatchObject({ starts: [0, -6, 0, 0], axes: [0, 1, 2, 3], steps: [1, 1, 1, 1] });
    const [pad] = first("pad/pad0.tflite");
    expect(pad!.op).toBe("Pad");
    expect(pad!.attrs).toMatchObject({ mode: "constant", value: 0 });
    const [leaky] = first("leaky_relu/leaky_relu0.tflite");
    expect(leaky!.op).toBe("QLeakyRelu");
    expect(leaky!.attrs["alpha"]).toBe(Math.fround(0.3));
    const [sub] = first("sub/sub0.tflite");
    expect(sub!.op).toBe("QSub");
    expect(sub!.attrs).toMatchObject({ a_zero_point: 0, b_zero_point: 0, y_zero_point: 0, act_min: -32768, act_max: 32767 });
  });

  it("runs hello_world_int8 like TFLM's hello_world_test: dequantized output within 0.05 of sin(x)", (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(load(shared, "tflm-examples/hello_world/hello_world_int8.tflite"), "hello_world_int8.tflite");
    const q = readTfliteQuantization(load(shared, "tflm-examples/hello_world/hello_world_int8.tflite")).get(graph.outputs[0]!.name)!;
    // The test's inputs: round(x / input scale) + input zero point for x in {0.77, 1.57, 2.3, 3.14}.
    const cases: [number, number][] = [[-96, 0.77], [-63, 1.57], [-34, 2.3], [0, 3.14]];
    for (const [code, x] of cases) {
      const input = Tensor.fromNumbers("int8", [1, 1], [code]);
      const y = runGraph(graph, [input])[0]!;
      expect(compileAndRun(graph, [input])[0]!.toArray()).toEqual(y.toArray());
      const real = (y.toArray()[0]! - q.zeroPoint[0]!) * q.scale[0]!;
      expect(Math.abs(real - Math.sin(x)), `x = ${x}`).toBeLessThanOrEqual(0.05);
    }
  });

  it("reproduces network_tester's expected output bytes exactly (interpreter and C)", (ctx) => {
    const shared = useShared(ctx);
    const dir = join(shared, "models/tflite/tflm-examples/network_tester");
    const graph = importTflite(new Uint8Array(readFileSync(join(dir, "network_model.tflite"))), "network_model.tflite");
    const input = graph.inputs[0]!;
    const x = Tensor.fromBytes(input.dtype, input.shape, new Uint8Array(cArray(readFileSync(join(dir, "input_data.h"), "utf8"), "input_data")));
    const expected = cArray(readFileSync(join(dir, "expected_output_data.h"), "utf8"), "expected_output_data");
    expect(Array.from(runGraph(graph, [x])[0]!.bytes())).toEqual(expected);
    expect(Array.from(compileAndRun(graph, [x])[0]!.bytes())).toEqual(expected);
  });

  it("egret info shows the quantization of a TFLite model's inputs and outputs", (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(load(shared, "tflm-examples/hello_world/hello_world_int8.tflite"), "hello_world_int8.tflite");
    const info = describeGraph(graph);
    expect(info.inputs[0]!.quantization?.zeroPoint).toEqual([-128]);
    const text = formatInfo(info);
    expect(text).toMatch(/serving_default_dense_input:0: int8\[1x1\] scale=0\.0244801\d* zero_point=-128/);
    expect(text).toMatch(/StatefulPartitionedCall:0: int8\[1x1\] scale=0\.0082909\d* zero_point=5/);
    // Float models show no quantization.
    const float = describeGraph(importTflite(load(shared, "tflm-examples/hello_world/hello_world_float.tflite"), "hello_world_float.tflite"));
    expect(formatInfo(float)).not.toMatch(/scale=/);
  });
});
