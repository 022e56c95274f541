import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile, runGraph, Tensor } from "../../src/index.js";
import { argmax } from "../../src/quantize/metrics.js";
import { optimizedFloatProgram, quantizeProgram } from "../../src/quantize/ptq.js";
import { runBatchC } from "../support/batch-run.js";
import { readMnist } from "../support/mnist.js";
import { sharedFor } from "../support/shared-skip.js";

const useShared = sharedFor("post-training quantization of the MNIST model (accuracy through the generated C)");

/**
 * Issue 5's MNIST criterion: onnx2c's MNIST model (ONNX model zoo mnist-8, inputs scaled to
 * [0, 1]) quantized to int8 from 32 of the first 100 test digits, evaluated on the other 9,900
 * through the generated C, stays within 0.5 points of the float model's accuracy (also through
 * the generated C); and the integer program's C output equals the integer evaluator's bit for bit.
 */
describe("PTQ: MNIST through the generated C", () => {
  it("int8 accuracy within 0.5 points of float on 9,900 digits; C == integer evaluator bit for bit", (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/onnx/onnx2c/test/mnist/model.onnx"), {});
    const mnist = readMnist(join(shared, "models/datasets/mnist/t10k-images-idx3-ubyte.gz"), join(shared, "models/datasets/mnist/t10k-labels-idx1-ubyte.gz"));
    const pixels = mnist.rows * mnist.cols;
    const digit = (i: number) => Float32Array.from(mnist.images.subarray(i * pixels, (i + 1) * pixels), (v) => v / 255);
    // Every third of the first 96 digits: 32 calibration samples, all among the first 100.
    const calib = Array.from({ length: 32 }, (_, k) => [new Tensor("float32", [1, 1, 28, 28], digit(3 * k))]);
    const q = quantizeProgram(optimizedFloatProgram(graph), calib, { dtype: "int8", method: "minmax", perChannel: true });
    expect(q.fallbacks).toEqual([]);
    expect(q.graph.nodes.filter((n) => n.op.startsWith("Q")).map((n) => n.op)).toEqual(expect.arrayContaining(["QQuantize", "QConv2D", "QMaxPool2D", "QFullyConnected", "QDequantize"]));

    const first = 100;
    const count = mnist.count - first;
    const inputs = new Float32Array(count * pixels);
    for (let i = 0; i < count; i++) inputs.set(digit(first + i), i * pixels);
    const bytes = new Uint8Array(inputs.buffer);
    const floatOut = new Float32Array(runBatchC(graph, bytes, count).buffer);
    const quantOut = new Float32Array(runBatchC(q.graph, bytes, count).buffer);
    let floatRight = 0;
    let quantRight = 0;
    for (let i = 0; i < count; i++) {
      const label = mnist.labels[first + i];
      if (argmax(floatOut.subarray(i * 10, i * 10 + 10)) === label) floatRight++;
      if (argmax(quantOut.subarray(i * 10, i * 10 + 10)) === label) quantRight++;
    }
    const floatAcc = (100 * floatRight) / count;
    const quantAcc = (100 * quantRight) / count;
    console.log(`MNIST PTQ (C, ${count} digits): float ${floatRight}/${count} = ${floatAcc.toFixed(2)}%, int8 ${quantRight}/${count} = ${quantAcc.toFixed(2)}%`);
    expect(Math.abs(floatAcc - quantAcc)).toBeLessThanOrEqual(0.5);
    expect(floatAcc).toBeGreaterThan(95);

    // The C output of the integer program equals the integer evaluator's, bit for bit.
    for (let i = 0; i < 200; i++) {
      const x = new Tensor("float32", [1, 1, 28, 28], inputs.subarray(i * pixels, (i + 1) * pixels));
      const expected = runGraph(q.graph, [x])[0]!.data as Float32Array;
      expect(Array.from(quantOut.subarray(i * 10, i * 10 + 10))).toEqual(Array.from(expected));
    }
  });
});
