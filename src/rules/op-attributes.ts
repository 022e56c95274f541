import type { OpDef } from "../ir/op.js";

/**
 * The attributes each registered op understands, in the canonical form rules see (attributes ONNX
 * turned into inputs are attributes again; Egret's extensions `activation`, `layout`,
 * `legacy_broadcast_axis` included). A rule that names any other attribute is rejected at load:
 * on the left it would silently never match (or always, with `nil`), on the right it would be ignored.
 *
 * Invariant: every core op has an entry (test/rules/op-attributes.test.ts checks it); an op module
 * that starts reading a new attribute adds it here. Target ops declare theirs in their definition
 * (`OpDef.attributes`), so a target plugin needs no entry here.
 */
const WINDOW = ["auto_pad", "dilations", "kernel_shape", "pads", "strides"];
const FUSED = ["activation", "activation_alpha", "activation_beta"];
const CONV = [...WINDOW, "group", "layout", ...FUSED];
const LEGACY = ["legacy_broadcast_axis"];
const REDUCE = ["axes", "keepdims", "noop_with_empty_axes"];
const SOFTMAX = ["axis", "coerce2d"];
const ONNX_QDQ = ["axis", "block_size", "output_dtype"];
/** Quantization parameters of docs/quantized-ops.md. */
const QX = ["x_scale", "x_zero_point"];
const QY = ["y_scale", "y_zero_point"];
const QXY = [...QX, ...QY];
const ACT = ["act_min", "act_max"];
const QCONV = ["dilations", "pads", "strides", ...QXY, "w_scale", ...ACT];
const QFC = ["keep_num_dims", ...QXY, "w_scale", ...ACT];
const QBINARY = ["a_scale", "a_zero_point", "b_scale", "b_zero_point", ...QY, ...ACT];
const QPOOL = ["kernel", "pads", "strides", ...QXY, ...ACT];
const NONE: readonly string[] = [];

const UNARY = ["Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil", "Cos", "Cosh", "Erf", "Exp", "Floor", "IsNaN", "Log", "Neg", "Not", "Reciprocal", "Round", "Sign", "Sin", "Sinh", "Sqrt", "Tan"];
const BINARY = ["Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"];
const REDUCTIONS = ["ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare"];

const TABLE: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  // activation
  ["Celu", ["alpha"]],
  ["Clip", ["min", "max"]],
  ["Elu", ["alpha"]],
  ["HardSigmoid", ["alpha", "beta"]],
  ["HardSwish", NONE],
  ["LeakyRelu", ["alpha"]],
  ["Mish", NONE],
  ["PRelu", LEGACY],
  ["Relu", NONE],
  ["Selu", ["alpha", "gamma"]],
  ["Sigmoid", NONE],
  ["Softplus", NONE],
  ["Softsign", NONE],
  ["Tanh", NONE],
  ["ThresholdedRelu", ["alpha"]],
  // binary, unary, variadic
  ...BINARY.map((op): [string, readonly string[]] => [op, LEGACY]),
  ["Where", NONE],
  ...UNARY.map((op): [string, readonly string[]] => [op, NONE]),
  ["IsInf", ["detect_negative", "detect_positive"]],
  ...["Max", "Mean", "Min", "Sum"].map((op): [string, readonly string[]] => [op, NONE]),
  // cast, constant
  ["Cast", ["to", "saturate"]],
  ["CastLike", ["saturate"]],
  ["Constant", ["value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings", "sparse_value"]],
  ["ConstantOfShape", ["shape", "value"]],
  ["Shape", ["start", "end"]],
  ["Size", NONE],
  // conv, matmul, norm, pool
  ["Conv", CONV],
  ["ConvTranspose", [...WINDOW, "group", "output_padding", "output_shape"]],
  ["Gemm", ["alpha", "beta", "transA", "transB", ...FUSED]],
  ["MatMul", NONE],
  ["BatchNormalization", ["epsilon", "momentum", "spatial", "training_mode"]],
  ["InstanceNormalization", ["epsilon"]],
  ["LayerNormalization", ["axis", "epsilon", "stash_type"]],
  ["LRN", ["alpha", "beta", "bias", "size"]],
  ["AveragePool", [...WINDOW, "ceil_mode", "count_include_pad", "layout"]],
  ["MaxPool", [...WINDOW, "ceil_mode", "storage_order", "layout"]],
  ["GlobalAveragePool", NONE],
  ["GlobalMaxPool", NONE],
  // gather, reduce, resize, rnn, softmax
  ["Gather", ["axis"]],
  ["GatherElements", ["axis"]],
  ["ScatterND", ["reduction"]],
  ["ArgMax", ["axis", "keepdims", "select_last_index"]],
  ["ArgMin", ["axis", "keepdims", "select_last_index"]],
  ...REDUCTIONS.map((op): [string, readonly string[]] => [op, REDUCE]),
  ["Resize", ["antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode", "roi", "scales", "sizes"]],
  ["Upsample", ["mode", "scales"]],
  ["GRU", ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout", "linear_before_reset"]],
  ["RNN", ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout"]],
  ["Attention", ["is_causal", "kv_num_heads", "q_num_heads", "qk_matmul_output_mode", "scale", "softcap", "softmax_precision"]],
  ["LinearAttention", ["kv_num_heads", "q_num_heads", "scale", "update_rule"]],
  ["CausalConvWithState", ["activation"]],
  ["RMSNormalization", ["axis", "epsilon", "stash_type"]],
  ["GridSample", ["align_corners", "mode", "padding_mode"]],
  ["MaxUnpool", ["kernel_shape", "output_shape", "pads", "strides"]],
  ["NonMaxSuppression", ["center_point_box", "iou_threshold", "max_output_boxes_per_class", "score_threshold"]],
  ["RoiAlign", ["coordinate_transformation_mode", "mode", "output_height", "output_width", "sampling_ratio", "spatial_scale"]],
  ["MatMulInteger", NONE],
  ["DynamicQuantizeLinear", NONE],
  // subgraph ops: expanded by the ONNX importer, never seen by rules
  ["If", ["cond"]],
  ["Loop", ["M", "cond"]],
  ["Scan", NONE],
  ["LSTM", ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "input_forget", "layout"]],
  ["Softmax", SOFTMAX],
  ["LogSoftmax", SOFTMAX],
  ["Hardmax", SOFTMAX],
  // tensor (data movement)
  ["Concat", ["axis"]],
  ["DepthToSpace", ["blocksize", "mode"]],
  ["SpaceToDepth", ["blocksize"]],
  ["Dropout", ["ratio", "training_mode", "mask_like_input", "seed"]],
  ["Expand", ["shape"]],
  ["Flatten", ["axis"]],
  ["Identity", NONE],
  ["Pad", ["axes", "mode", "pads", "value"]],
  ["Reshape", ["allowzero", "shape"]],
  ["Slice", ["axes", "ends", "starts", "steps"]],
  ["Split", ["axis", "num_outputs", "split"]],
  ["Squeeze", ["axes"]],
  ["Tile", ["repeats"]],
  ["Transpose", ["perm"]],
  ["Unsqueeze", ["axes"]],
  // quant (docs/quantized-ops.md)
  ["QuantizeLinear", [...ONNX_QDQ, "saturate"]],
  ["DequantizeLinear", ONNX_QDQ],
  ["QLinearConv", [...WINDOW, "group"]],
  ["QLinearMatMul", NONE],
  ["QAdd", QBINARY],
  ["QSub", QBINARY],
  ["QMul", QBINARY],
  ["QAveragePool2D", QPOOL],
  ["QMaxPool2D", QPOOL],
  // patch-based execution (src/ir/ops/quant/patch/): the layers as JSON, output rows per band, "cache" to keep halo rows
  ["QPatchBands", ["stages", "band_rows", "halo"]],
  ["QConv2D", QCONV],
  ["QDepthwiseConv2D", [...QCONV, "depth_multiplier"]],
  // blocked float kernels (rules/targets/float-kernels.rules): the conv's or Gemm's attributes carried over
  ["Conv2DGemm", CONV],
  ["Conv2DGemmNHWC", CONV],
  ["Conv2DDepthwise", CONV],
  ["Conv2DWinograd", CONV],
  ["PackConv2DWeights", NONE],
  ["PackConv2DWeightsNHWC", NONE],
  ["PackWinogradWeights", NONE],
  ["MatMulPacked", ["alpha", "beta", "transA", "transB", ...FUSED]],
  ["PackMatMulWeights", ["trans"]],
  ["QTransposeConv2D", ["output_shape", "pads", "strides", ...QXY, "w_scale", ...ACT]],
  ["QFullyConnected", QFC],
  ["QQuantize", [...QY, "to"]],
  ["QDequantize", QX],
  ["QRequantize", [...QXY, "to", ...ACT]],
  ["QSoftmax", [...QXY, "beta", "to"]],
  ["QLogistic", QXY],
  ["QTanh", QXY],
  ["QHardSwish", QXY],
  ["QLeakyRelu", [...QXY, "alpha"]],
  ["QMean", [...QXY, "axes", "keepdims"]],
  ["QSvdfState", [...QX, "s_scale", "s_zero_point", "w_scale", "memory_size", "to", "state"]],
  ["QSvdfOutput", ["s_scale", "s_zero_point", ...QY, "w_scale", "rank"]],
  ["QLstm", [...QX, "h_scale", "h_zero_point", "c_scale", "w_scale", "cell_clip", "cell_activation", "time_major", "state"]],
  // Issue 18's ops (merged into main while this list was written; canonical attributes as their modules read them)
  ["Shrink", ["lambd", "bias"]],
  ["BitShift", ["direction"]],
  ["Mod", ["fmod"]],
  ["BitCast", ["to"]],
  ["EyeLike", ["dtype", "k"]],
  ["Range", ["start", "limit", "delta"]],
  ["NonZero", ["X"]],
  ["Unique", ["X", "axis", "sorted"]],
  ["Compress", ["axis", "condition"]],
  ["GatherND", ["batch_dims"]],
  ["OneHot", ["axis", "depth"]],
  ["Scatter", ["axis"]],
  ["ScatterElements", ["axis", "reduction"]],
  ["NegativeLogLikelihoodLoss", ["ignore_index", "reduction"]],
  ["SoftmaxCrossEntropyLoss", ["ignore_index", "reduction"]],
  ["Det", NONE],
  ["Einsum", ["equation"]],
  ["MeanVarianceNormalization", ["axes"]],
  ["CumSum", ["axis", "exclusive", "reverse"]],
  ["TopK", ["axis", "k", "largest", "sorted"]],
  ...["BlackmanWindow", "HammingWindow", "HannWindow"].map((op): [string, readonly string[]] => [op, ["size", "output_datatype", "periodic"]]),
  ["MelWeightMatrix", ["num_mel_bins", "dft_length", "sample_rate", "lower_edge_hertz", "upper_edge_hertz", "output_datatype"]],
  ["DFT", ["axis", "dft_length", "inverse", "onesided"]],
  ["STFT", ["frame_step", "frame_length", "onesided"]],
  ["ReverseSequence", ["batch_axis", "time_axis"]],
  ["Trilu", ["k", "upper"]],
]);

/** The attributes an op understands (its own list, else this table's), or undefined when neither lists it. */
export function knownAttributes(def: OpDef): readonly string[] | undefined {
  return def.attributes ?? TABLE.get(def.name);
}

/** The attribute list of a core op (for target ops that share one, e.g. a faster twin of QConv2D). */
export function coreAttributes(op: string): readonly string[] {
  const list = TABLE.get(op);
  if (list === undefined) throw new Error(`internal: no attribute list for core op ${op}`);
  return list;
}

/**
 * Why `key` is not an attribute rules may use on `op` (naming the ones it has), or undefined when it
 * is one. `None` (an absent input) has no attributes.
 */
export function unknownAttribute(op: string, def: OpDef | undefined, key: string): string | undefined {
  const known = def === undefined ? NONE : knownAttributes(def);
  if (known === undefined) return `${op} has no attribute list (OpDef.attributes, or src/rules/op-attributes.ts for a core op); add one`;
  if (known.includes(key)) return undefined;
  return `${op} has no attribute "${key}" (${known.length === 0 ? "it takes no attributes" : `known: ${known.join(", ")}`})`;
}

