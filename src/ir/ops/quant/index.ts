/**
 * The integer (quantized) op family of docs/quantized-ops.md: TFLite-reference-exact int8/int16
 * kernels, as one list for the op registry.
 */
import { QUANT_CONV_OPS } from "./conv.js";
import { QUANT_FULLY_CONNECTED_OPS } from "./fully-connected.js";
import { QUANT_POOL_OPS } from "./pool.js";
import { QUANT_BINARY_OPS } from "./binary.js";
import { QUANT_SOFTMAX_OPS } from "./softmax.js";
import { QUANT_CONVERT_OPS } from "./convert.js";
import { QUANT_ACTIVATION_OPS } from "./activation.js";
import { QUANT_SVDF_OPS } from "./svdf.js";
import { QUANT_LSTM_OPS } from "./lstm.js";
import { QUANT_TRANSPOSE_CONV_OPS } from "./transpose-conv.js";
import { QUANT_ONNX_QDQ_OPS } from "./onnx-qdq.js";
import { QUANT_ONNX_QLINEAR_MATMUL_OPS } from "./onnx-qlinear-matmul.js";
import { QUANT_ONNX_QLINEAR_CONV_OPS } from "./onnx-qlinear-conv.js";
import { QUANT_ONNX_MATMUL_INTEGER_OPS } from "./onnx-matmul-integer.js";
import { QUANT_ONNX_DYNAMIC_QUANTIZE_OPS } from "./onnx-dynamic-quantize.js";
import { QUANT_HARD_SWISH_OPS } from "./hard-swish.js";
import { QUANT_MEAN_OPS } from "./mean.js";
import { QUANT_PATCH_OPS } from "./patch/patch-bands.js";
import type { OpDef } from "../../op.js";

export const QUANT_OPS: readonly OpDef[] = [
  ...QUANT_CONV_OPS,
  ...QUANT_FULLY_CONNECTED_OPS,
  ...QUANT_POOL_OPS,
  ...QUANT_BINARY_OPS,
  ...QUANT_SOFTMAX_OPS,
  ...QUANT_CONVERT_OPS,
  ...QUANT_ACTIVATION_OPS,
  ...QUANT_SVDF_OPS,
  ...QUANT_LSTM_OPS,
  ...QUANT_TRANSPOSE_CONV_OPS,
  ...QUANT_ONNX_QDQ_OPS,
  ...QUANT_ONNX_QLINEAR_MATMUL_OPS,
  ...QUANT_ONNX_QLINEAR_CONV_OPS,
  ...QUANT_ONNX_MATMUL_INTEGER_OPS,
  ...QUANT_ONNX_DYNAMIC_QUANTIZE_OPS,
  ...QUANT_HARD_SWISH_OPS,
  ...QUANT_MEAN_OPS,
  ...QUANT_PATCH_OPS,
];
