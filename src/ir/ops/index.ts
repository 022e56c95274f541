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
import "./bitcast.js";
import "./mod-shift.js";
// neural-network layers
import "./conv.js";
import "./conv-gemm.js";
import "./conv-gemm-nhwc.js";
import "./conv-depthwise.js";
import "./conv-winograd.js";
import "./matmul.js";
import "./matmul-packed.js";
import "./einsum.js";
import "./det.js";
import "./pool.js";
import "./norm.js";
import "./mvn.js";
import "./rmsnorm.js";
import "./softmax.js";
import "./losses.js";
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
import "./trilu.js";
import "./reverse-sequence.js";
// indexing, reductions, constants, resampling
import "./gather.js";
import "./onehot.js";
import "./compress.js";
import "./reduce.js";
import "./cumsum.js";
import "./topk.js";
import "./constant.js";
import "./generators.js";
import "./value-shaped.js";
import "./resize.js";
import "./dft.js";
import "./windows.js";
import "./grid-sample.js";
import "./max-unpool.js";
// detection heads
import "./nms.js";
import "./roi-align.js";
import "./quant/index.js";
// subgraph ops, expanded by the ONNX importer
import "./control-flow.js";
