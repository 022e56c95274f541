import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile } from "../../src/index.js";
import { decodeNamedTensorProto } from "../../src/importers/onnx/index.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { requireOnnxTestdata } from "../support/testdata.js";

const SANITIZE = SANITIZE_CFLAGS;

/** One case per kernel family, chosen to exercise padding, strides, broadcasting and aliasing. */
const CASES = [
  "pytorch-converted/test_Conv2d_depthwise_padded",
  "pytorch-converted/test_Conv2d_dilated",
  "pytorch-converted/test_ConvTranspose2d",
  "pytorch-converted/test_MaxPool2d",
  "pytorch-converted/test_AvgPool2d",
  "pytorch-converted/test_BatchNorm2d_eval",
  "pytorch-converted/test_Linear",
  "pytorch-converted/test_Softmax",
  "pytorch-converted/test_PixelShuffle",
  "pytorch-converted/test_ReflectionPad2d",
  "pytorch-operator/test_operator_add_broadcast",
  "pytorch-operator/test_operator_permute2",
  "pytorch-operator/test_operator_chunk",
  "node/test_gather_0",
  "node/test_resize_upsample_scales_linear",
  "node/test_reduce_mean_keepdims_example",
  "node/test_lstm_with_peepholes",
  "node/test_where_example",
  "node/test_cast_FLOAT_to_FLOAT16",
  "node/test_argmax_default_axis_example",
];

/** Inputs that are shape-like operands in these cases, frozen as `--const-input` would. */
const FROZEN: Record<string, string[]> = {
  "node/test_resize_upsample_scales_linear": ["roi", "scales"],
};

describe("generated C under AddressSanitizer and UBSan", () => {
  const data = requireOnnxTestdata();
  for (const name of CASES) {
    it(name, () => {
      const dir = join(data, name);
      const set = join(dir, "test_data_set_0");
      const files = readdirSync(set);
      const read = (prefix: string) =>
        files
          .filter((f) => f.startsWith(prefix))
          .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))
          .map((f) => decodeNamedTensorProto(readFileSync(join(set, f))));
      const frozen = FROZEN[name] ?? [];
      const given = read("input_");
      const constantInputs = new Map(given.filter((t) => frozen.includes(t.name)).map((t) => [t.name, t.tensor]));
      const graph = importModelFile(join(dir, "model.onnx"), { constantInputs });
      const inputs = given.filter((t) => !frozen.includes(t.name)).map((t) => t.tensor);
      const expected = read("output_").map((t) => t.tensor);
      const outputs = compileAndRun(graph, inputs, { cflags: SANITIZE });
      expected.forEach((want, i) => {
        const got = outputs[i]!;
        expect(got.dtype).toBe(want.dtype);
        expect(got.shape).toEqual(want.shape);
        const cmp = compareClose(got, want);
        expect(cmp.ok, `output ${i}: max abs error ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
      });
    });
  }
});
