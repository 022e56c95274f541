/**
 * Imports every op family so that the registry is complete. Add a family here when adding a file.
 */
import "./identity.js";
// elementwise
import "./activation.js";
import "./unary.js";
import "./binary.js";
import "./variadic.js";
import "./cast.js";
// neural-network layers
import "./conv.js";
import "./matmul.js";
import "./pool.js";
import "./norm.js";
import "./rmsnorm.js";
import "./softmax.js";
import "./rnn.js";
import "./gru-rnn.js";
import "./attention.js";
import "./linear-attention.js";
import "./causal-conv.js";
// tensor layout and data movement
import "./reshape.js";
import "./transpose.js";
import "./concat-split.js";
import "./slice.js";
import "./pad.js";
import "./expand-tile.js";
import "./depth-space.js";
// indexing, reductions, constants, resampling
import "./gather.js";
import "./reduce.js";
import "./constant.js";
import "./resize.js";
import "./grid-sample.js";
import "./max-unpool.js";
// detection heads
import "./nms.js";
import "./roi-align.js";
import "./quant/index.js";
// subgraph ops, expanded by the ONNX importer
import "./control-flow.js";
