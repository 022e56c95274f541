/**
 * The integer (quantized) op family of docs/quantized-ops.md: TFLite-reference-exact int8/int16
 * kernels. Importing this module registers every op.
 */
import "./conv.js";
import "./fully-connected.js";
import "./conv-dsp.js";
import "./fully-connected-dsp.js";
import "./depthwise-dsp.js";
import "./pool.js";
import "./binary.js";
import "./softmax.js";
import "./convert.js";
import "./activation.js";
import "./svdf.js";
import "./lstm.js";
import "./transpose-conv.js";
import "./onnx-qdq.js";
import "./onnx-qlinear-matmul.js";
import "./onnx-qlinear-conv.js";
import "./onnx-matmul-integer.js";
import "./onnx-dynamic-quantize.js";
import "./hard-swish.js";
import "./mean.js";
import "./patch/patch-bands.js";
