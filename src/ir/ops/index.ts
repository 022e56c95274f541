/**
 * The core op families: every op Egret knows on every target. The op registry is built from this
 * list plus the target plugins' own lists (src/pipeline/toolchain.ts); add a family here when
 * adding a file. Nothing registers itself on import.
 */
import { IDENTITY_OPS } from "./identity.js";
// elementwise
import { ACTIVATION_OPS } from "./activation.js";
import { UNARY_OPS } from "./unary.js";
import { BINARY_OPS } from "./binary.js";
import { VARIADIC_OPS } from "./variadic.js";
import { CAST_OPS } from "./cast.js";
import { BITCAST_OPS } from "./bitcast.js";
import { MOD_SHIFT_OPS } from "./mod-shift.js";
// neural-network layers
import { CONV_OPS } from "./conv.js";
import { CONV_GEMM_OPS } from "./conv-gemm.js";
import { CONV_GEMM_NHWC_OPS } from "./conv-gemm-nhwc.js";
import { CONV_DEPTHWISE_OPS } from "./conv-depthwise.js";
import { CONV_WINOGRAD_OPS } from "./conv-winograd.js";
import { MATMUL_OPS } from "./matmul.js";
import { MATMUL_PACKED_OPS } from "./matmul-packed.js";
import { EINSUM_OPS } from "./einsum.js";
import { DET_OPS } from "./det.js";
import { POOL_OPS } from "./pool.js";
import { NORM_OPS } from "./norm.js";
import { MVN_OPS } from "./mvn.js";
import { RMSNORM_OPS } from "./rmsnorm.js";
import { SOFTMAX_OPS } from "./softmax.js";
import { LOSSES_OPS } from "./losses.js";
import { RNN_OPS } from "./rnn.js";
import { GRU_RNN_OPS } from "./gru-rnn.js";
import { ATTENTION_OPS } from "./attention.js";
import { LINEAR_ATTENTION_OPS } from "./linear-attention.js";
import { CAUSAL_CONV_OPS } from "./causal-conv.js";
// tensor layout and data movement
import { RESHAPE_OPS } from "./reshape.js";
import { TRANSPOSE_OPS } from "./transpose.js";
import { CONCAT_SPLIT_OPS } from "./concat-split.js";
import { SLICE_OPS } from "./slice.js";
import { PAD_OPS } from "./pad.js";
import { EXPAND_TILE_OPS } from "./expand-tile.js";
import { DEPTH_SPACE_OPS } from "./depth-space.js";
import { TRILU_OPS } from "./trilu.js";
import { REVERSE_SEQUENCE_OPS } from "./reverse-sequence.js";
// indexing, reductions, constants, resampling
import { GATHER_OPS } from "./gather.js";
import { ONEHOT_OPS } from "./onehot.js";
import { COMPRESS_OPS } from "./compress.js";
import { REDUCE_OPS } from "./reduce.js";
import { CUMSUM_OPS } from "./cumsum.js";
import { TOPK_OPS } from "./topk.js";
import { CONSTANT_OPS } from "./constant.js";
import { GENERATORS_OPS } from "./generators.js";
import { VALUE_SHAPED_OPS } from "./value-shaped.js";
import { RESIZE_OPS } from "./resize.js";
import { DFT_OPS } from "./dft.js";
import { WINDOWS_OPS } from "./windows.js";
import { GRID_SAMPLE_OPS } from "./grid-sample.js";
import { MAX_UNPOOL_OPS } from "./max-unpool.js";
// detection heads
import { NMS_OPS } from "./nms.js";
import { ROI_ALIGN_OPS } from "./roi-align.js";
import { QUANT_OPS } from "./quant/index.js";
// subgraph ops, expanded by the ONNX importer
import { CONTROL_FLOW_OPS } from "./control-flow.js";
import type { OpDef } from "../op.js";
import { OpRegistry } from "../registry.js";

export const CORE_OPS: readonly OpDef[] = [
  ...IDENTITY_OPS,
  ...ACTIVATION_OPS,
  ...UNARY_OPS,
  ...BINARY_OPS,
  ...VARIADIC_OPS,
  ...CAST_OPS,
  ...BITCAST_OPS,
  ...MOD_SHIFT_OPS,
  ...CONV_OPS,
  ...CONV_GEMM_OPS,
  ...CONV_GEMM_NHWC_OPS,
  ...CONV_DEPTHWISE_OPS,
  ...CONV_WINOGRAD_OPS,
  ...MATMUL_OPS,
  ...MATMUL_PACKED_OPS,
  ...EINSUM_OPS,
  ...DET_OPS,
  ...POOL_OPS,
  ...NORM_OPS,
  ...MVN_OPS,
  ...RMSNORM_OPS,
  ...SOFTMAX_OPS,
  ...LOSSES_OPS,
  ...RNN_OPS,
  ...GRU_RNN_OPS,
  ...ATTENTION_OPS,
  ...LINEAR_ATTENTION_OPS,
  ...CAUSAL_CONV_OPS,
  ...RESHAPE_OPS,
  ...TRANSPOSE_OPS,
  ...CONCAT_SPLIT_OPS,
  ...SLICE_OPS,
  ...PAD_OPS,
  ...EXPAND_TILE_OPS,
  ...DEPTH_SPACE_OPS,
  ...TRILU_OPS,
  ...REVERSE_SEQUENCE_OPS,
  ...GATHER_OPS,
  ...ONEHOT_OPS,
  ...COMPRESS_OPS,
  ...REDUCE_OPS,
  ...CUMSUM_OPS,
  ...TOPK_OPS,
  ...CONSTANT_OPS,
  ...GENERATORS_OPS,
  ...VALUE_SHAPED_OPS,
  ...RESIZE_OPS,
  ...DFT_OPS,
  ...WINDOWS_OPS,
  ...GRID_SAMPLE_OPS,
  ...MAX_UNPOOL_OPS,
  ...NMS_OPS,
  ...ROI_ALIGN_OPS,
  ...QUANT_OPS,
  ...CONTROL_FLOW_OPS,
];

/** The core ops alone: what importers produce and what a model file may contain. */
export const CORE_OP_REGISTRY: OpRegistry = OpRegistry.of(CORE_OPS);
