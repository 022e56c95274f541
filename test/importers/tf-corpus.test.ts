import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { importTfGraphDef } from "../../src/importers/tf/index.js";
import { runBatchC } from "../support/batch-run.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { readMnist } from "../support/mnist.js";
import { sharedFor } from "../support/shared-skip.js";
import { seeded } from "./tf-graphdef.js";
import { mnistReference } from "./tf-reference.js";

const useShared = sharedFor("TensorFlow GraphDef corpus tests (MNIST accuracy, tf2onnx MLPs)");

describe("TensorFlow GraphDef corpus", () => {
  /**
   * The issue asks for >= 97 %, but this checkpoint itself scores 94.62 % in float: a naive
   * JavaScript forward pass straight from the .pb's weights (below) makes the same predictions.
   * So the test pins the measured accuracy and the agreement with that reference instead.
   */
  it("mnist-cnn classifies the 10,000 MNIST test digits through the generated C as the float model does", (ctx) => {
    const shared = useShared(ctx);
    const model = join(shared, "models/tf/mnist-cnn/mnist.pb");
    const graph = importTfGraphDef(readFileSync(model), model, { inputShapes: new Map([["inputs", [1, 28, 28, 1]]]) });
    const mnist = readMnist(join(shared, "models/datasets/mnist/t10k-images-idx3-ubyte.gz"), join(shared, "models/datasets/mnist/t10k-labels-idx1-ubyte.gz"));
    const pixels = mnist.rows * mnist.cols;
    // The graph takes pixels scaled to [0, 1] (the training script's input_data loader).
    const inputs = new Float32Array(mnist.count * pixels);
    for (let i = 0; i < inputs.length; i++) inputs[i] = mnist.images[i]! / 255;
    const probs = new Float32Array(runBatchC(graph, new Uint8Array(inputs.buffer), mnist.count).buffer);
    let correct = 0;
    for (let i = 0; i < mnist.count; i++) {
      const row = probs.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === mnist.labels[i]) correct++;
    }
    const accuracy = correct / mnist.count;
    console.log(`mnist-cnn: ${correct}/${mnist.count} = ${(100 * accuracy).toFixed(2)}% through the generated C`);
    expect(accuracy).toBeGreaterThanOrEqual(0.945);
    const reference = mnistReference(readFileSync(model));
    for (let i = 0; i < 100; i++) {
      const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
      expect(row.indexOf(Math.max(...row))).toBe(reference(inputs.subarray(i * pixels, (i + 1) * pixels)));
    }
    // The interpreter agrees with the C build on the first digit.
    const first = Tensor.fromNumbers("float32", [1, 28, 28, 1], inputs.subarray(0, pixels));
    expect(compareClose(Tensor.fromNumbers("float32", [1, 10], probs.subarray(0, 10)), runGraph(graph, [first])[0]!).ok).toBe(true);
  });

  for (const name of ["fc-layers", "ae0"]) {
    it(`tf2onnx ${name}.frozen.pb compiles and runs (C agrees with the interpreter)`, (ctx) => {
      const shared = useShared(ctx);
      const model = join(shared, `models/tf/tf2onnx/${name}.frozen.pb`);
      const graph = importTfGraphDef(readFileSync(model), model, { inputShapes: new Map([["X", [1, 784]]]) });
      const x = Tensor.fromNumbers("float32", [1, 784], seeded(784, 11).map((v) => (v + 1) / 2));
      const expected = runGraph(graph, [x])[0]!;
      const actual = compileAndRun(graph, [x])[0]!;
      expect(actual.shape).toEqual(name === "ae0" ? [1, 784] : [1, 10]);
      expect(compareClose(actual, expected).ok).toBe(true);
    });
  }
});
