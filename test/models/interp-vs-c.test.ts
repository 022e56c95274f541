import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile, runGraph, type Graph, type Tensor } from "../../src/index.js";
import { compareClose } from "../support/c-run.js";
import { requireOnnxTestdata } from "../support/testdata.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { buildModel } from "../conformance/c-build.js";
import { dataSetDirs, namedFeeds, readPbs, RTOL, ATOL } from "../conformance/onnx-backend.js";
import { scanModel } from "../conformance/model-ops.js";
import { openOracle, SHARED_ONNX_DIR } from "./shared-models.js";

/**
 * Differential test of Egret's two executions of a model: the reference interpreter (runGraph, in
 * float64 per node) and the generated C, on real models. A mismatch means an evaluator and its C
 * kernel disagree, whichever is wrong.
 */

/** Shared corpus models covering conv, pooling, gemm/matmul, softmax, sigmoid and layout ops. */
const SHARED_MODELS = [
  "onnx2c/examples/atmega_mnist/mnist.simplified.onnx",
  "onnx2c/test/mnist/model.onnx",
  "onnx2c/test/tfl_helloworld/model.onnx",
  "onnx2c/test/velardo/lesson9.onnx",
  "onnx2c/test/simple_networks/conv_k2_maxpool_k2.onnx",
  "onnx2c/test/local_ops/test_gemm_CMxN_transA_transB/model.onnx",
];

/** Conformance cases (suite/case) of the same families, fed with their first data set. */
const CONFORMANCE_CASES = [
  "pytorch-converted/test_Conv2d_groups",
  "pytorch-converted/test_MaxPool2d_stride_padding_dilation",
  "pytorch-converted/test_Softmax",
  "pytorch-operator/test_operator_addmm",
  "node/test_gemm_all_attributes",
  "node/test_transpose_all_permutations_0",
];

async function expectInterpreterMatchesC(graph: Graph, feeds: readonly Tensor[]): Promise<void> {
  const reference = runGraph(graph, feeds);
  const built = await buildModel(graph);
  try {
    const actual = await built.run(feeds);
    graph.outputs.forEach((o, i) => {
      const want = reference[i]!;
      const got = actual[i]!;
      expect(got.dtype, o.name).toBe(want.dtype);
      expect(got.shape, o.name).toEqual(want.shape);
      const cmp = compareClose(got, want, RTOL, ATOL);
      expect(cmp.ok, `output "${o.name}": max abs error ${cmp.maxAbs} (first mismatch at element ${cmp.where})`).toBe(true);
    });
  } finally {
    await built.dispose();
  }
}

function inGraphOrder(graph: Graph, byName: ReadonlyMap<string, Tensor>): Tensor[] {
  return graph.inputs.map((i) => {
    const t = byName.get(i.name);
    if (!t) throw new Error(`no value for graph input "${i.name}"`);
    return t;
  });
}

describe("interpreter vs generated C on conformance models", () => {
  for (const id of CONFORMANCE_CASES) {
    it(`${id} agrees`, async () => {
      const dir = join(requireOnnxTestdata(), id);
      const model = join(dir, "model.onnx");
      const graph = importModelFile(model);
      const [first] = dataSetDirs(dir);
      if (!first) throw new Error(`${dir} has no test_data_set_*`);
      const feeds = namedFeeds(scanModel(model), readPbs(first, "input"));
      await expectInterpreterMatchesC(graph, inGraphOrder(graph, feeds));
    });
  }
});

describe("interpreter vs generated C on shared models", () => {
  for (const model of SHARED_MODELS) {
    it(`${model} agrees`, async (ctx) => {
      sharedOrSkip(ctx, `the interpreter-vs-C tests on shared models (${SHARED_ONNX_DIR})`);
      const abs = join(SHARED_ONNX_DIR, model);
      // The oracle supplies the inputs (test data or seeded random) and symbolic-dim overrides.
      const oracle = await openOracle(abs);
      try {
        const graph = importModelFile(abs, { inputShapes: oracle.inputShapes });
        for (const c of oracle.cases) await expectInterpreterMatchesC(graph, inGraphOrder(graph, c.feeds));
      } finally {
        await oracle.release();
      }
    });
  }
});
