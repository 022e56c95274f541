/**
 * The integer (quantized) op family of docs/quantized-ops.md: TFLite-reference-exact int8/int16
 * kernels. Importing this module registers every op.
 */
import "./conv.js";
import "./fully-connected.js";
import "./pool.js";
import "./binary.js";
import "./softmax.js";
import "./convert.js";
import "./activation.js";
