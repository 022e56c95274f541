import { fail } from "../../errors.js";
import { attrFloat, attrInt, checkOneOf, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import { shapeToString } from "../shape.js";
import { requireF32, requireShape } from "./nn-common.js";

/**
 * Attention (opset 23, opset 24's nonpad_kv_seqlen): validation and shapes. Inputs Q, K, V,
 * attn_mask, past_key, past_value, nonpad_kv_seqlen; outputs Y, present_key, present_value,
 * qk_matmul_output. Q/K/V are 4-D [batch, heads, seq, head_size] or 3-D [batch, seq,
 * heads * head_size] (then q_num_heads and kv_num_heads are required). Past and present
 * key/value caches are 4-D; present = past followed by the new keys/values along the sequence.
 */
export interface AttentionPlan {
  readonly batch: number;
  readonly qHeads: number;
  readonly kvHeads: number;
  readonly qLen: number;
  /** New keys/values of this call. */
  readonly kvLen: number;
  /** Cached keys/values before them (0 without past_key). */
  readonly pastLen: number;
  readonly headSize: number;
  readonly vHeadSize: number;
  /** Q, K, V and Y are 3-D (heads packed into the last dim). */
  readonly packed: boolean;
  readonly causal: boolean;
  /** 0 / 1: qk_matmul_output after softcap; 2: plus the mask bias; 3: after softmax. */
  readonly qkMode: number;
  readonly scale: number;
  /** 0 when absent. */
  readonly softcap: number;
  readonly mask?: MaskPlan;
  readonly yShape: number[];
  readonly presentKeyShape: number[];
  readonly presentValueShape: number[];
  readonly qkShape: number[];
}

/** attn_mask read as if broadcast to [batch, qHeads, qLen, length]; keys at or past `length` are masked. */
export interface MaskPlan {
  readonly bool: boolean;
  /** Element strides for batch, head and query row (0 where the mask broadcasts). */
  readonly strides: readonly [number, number, number];
  readonly length: number;
}

/** ONNX TensorProto.DataType FLOAT: the only softmax precision Egret computes in. */
const FLOAT = 1;

export function planAttention(node: Node, inputs: readonly (ValueInfo | undefined)[]): AttentionPlan {
  const [q, k, v, mask, pastKey, pastValue, nonpad] = inputs;
  const qi = requireF32(node, q, "Q");
  const ki = requireF32(node, k, "K");
  const vi = requireF32(node, v, "V");
  const rank = qi.shape.length;
  if (rank !== 3 && rank !== 4) fail("bad-shape", nodeLabel(node), `Q must be 3-D or 4-D, got ${shapeToString(qi.shape)}`);
  if (ki.shape.length !== rank || vi.shape.length !== rank) fail("bad-shape", nodeLabel(node), `Q, K and V must have the same rank, got ${shapeToString(qi.shape)}, ${shapeToString(ki.shape)}, ${shapeToString(vi.shape)}`);
  const heads = rank === 3 ? packedHeads(node, qi.shape, ki.shape, vi.shape) : { qHeads: qi.shape[1]!, kvHeads: ki.shape[1]!, headSize: qi.shape[3]!, vHeadSize: vi.shape[3]! };
  const [batch, qLen, kvLen] = rank === 3 ? [qi.shape[0]!, qi.shape[1]!, ki.shape[1]!] : [qi.shape[0]!, qi.shape[2]!, ki.shape[2]!];
  const { qHeads, kvHeads, headSize, vHeadSize } = heads;
  if (kvHeads < 1 || qHeads % kvHeads !== 0) fail("bad-shape", nodeLabel(node), `the query heads (${qHeads}) must be a multiple of the key/value heads (${kvHeads})`);
  const kvShape = (d: number) => (rank === 3 ? [batch, kvLen, kvHeads * d] : [batch, kvHeads, kvLen, d]);
  requireShape(node, ki, "K", kvShape(headSize));
  requireShape(node, vi, "V", kvShape(vHeadSize));
  if (!pastKey !== !pastValue) fail("missing-tensor", nodeLabel(node), "past_key and past_value must be given together");
  const pastLen = pastKey ? pastKey.shape[2] ?? 0 : 0;
  if (pastKey) requireShape(node, requireF32(node, pastKey, "past_key"), "past_key", [batch, kvHeads, pastLen, headSize]);
  if (pastValue) requireShape(node, requireF32(node, pastValue, "past_value"), "past_value", [batch, kvHeads, pastLen, vHeadSize]);
  if (nonpad) {
    if (nonpad.dtype !== "int64") fail("unsupported-dtype", nodeLabel(node), `nonpad_kv_seqlen must be int64, got ${nonpad.dtype}`);
    requireShape(node, nonpad, "nonpad_kv_seqlen", [batch]);
  }
  const total = pastLen + kvLen;
  const precision = attrInt(node, "softmax_precision", FLOAT);
  if (precision !== FLOAT) fail("bad-attribute", nodeLabel(node), `softmax_precision ${precision} is not supported: Egret computes the softmax in float32 (1)`);
  const softcap = attrFloat(node, "softcap", 0);
  if (!(softcap >= 0)) fail("bad-attribute", nodeLabel(node), `softcap must be >= 0, got ${softcap}`);
  return {
    batch,
    qHeads,
    kvHeads,
    qLen,
    kvLen,
    pastLen,
    headSize,
    vHeadSize,
    packed: rank === 3,
    causal: checkOneOf(node, "is_causal", attrInt(node, "is_causal", 0), [0, 1]) === 1,
    qkMode: checkOneOf(node, "qk_matmul_output_mode", attrInt(node, "qk_matmul_output_mode", 0), [0, 1, 2, 3]),
    scale: hasAttr(node, "scale") ? attrFloat(node, "scale") : 1 / Math.sqrt(headSize),
    softcap,
    ...(mask ? { mask: planMask(node, mask, [batch, qHeads, qLen, total]) } : {}),
    yShape: rank === 3 ? [batch, qLen, qHeads * vHeadSize] : [batch, qHeads, qLen, vHeadSize],
    presentKeyShape: [batch, kvHeads, total, headSize],
    presentValueShape: [batch, kvHeads, total, vHeadSize],
    qkShape: [batch, qHeads, qLen, total],
  };
}

function packedHeads(node: Node, q: readonly number[], k: readonly number[], v: readonly number[]) {
  if (!hasAttr(node, "q_num_heads") || !hasAttr(node, "kv_num_heads")) {
    fail("bad-attribute", nodeLabel(node), "3-D Q, K and V need the q_num_heads and kv_num_heads attributes");
  }
  const qHeads = attrInt(node, "q_num_heads");
  const kvHeads = attrInt(node, "kv_num_heads");
  if (qHeads < 1 || kvHeads < 1 || q[2]! % qHeads !== 0 || k[2]! % kvHeads !== 0 || v[2]! % kvHeads !== 0) {
    fail("bad-shape", nodeLabel(node), `the hidden sizes (Q ${q[2]}, K ${k[2]}, V ${v[2]}) must be multiples of q_num_heads ${qHeads} and kv_num_heads ${kvHeads}`);
  }
  return { qHeads, kvHeads, headSize: q[2]! / qHeads, vHeadSize: v[2]! / kvHeads };
}

/** The mask broadcasts to [batch, heads, qLen, <= total] (right-aligned; its last dim may be short). */
function planMask(node: Node, mask: ValueInfo, target: readonly number[]): MaskPlan {
  const s = mask.shape;
  if (mask.dtype !== "float32" && mask.dtype !== "bool") fail("unsupported-dtype", nodeLabel(node), `attn_mask must be float32 or bool, got ${mask.dtype}`);
  if (s.length < 2 || s.length > 4) fail("bad-shape", nodeLabel(node), `attn_mask must have rank 2 to 4, got ${shapeToString(s)}`);
  const padded = [...new Array<number>(4 - s.length).fill(1), ...s];
  const length = padded[3]!;
  const ok = padded.slice(0, 3).every((d, i) => d === 1 || d === target[i]) && length <= target[3]!;
  if (!ok) fail("bad-shape", nodeLabel(node), `attn_mask ${shapeToString(s)} does not broadcast to [batch, heads, q_len, total_len] = ${shapeToString(target)}`);
  const rowStride = length;
  const headStride = padded[2]! * rowStride;
  const batchStride = padded[1]! * headStride;
  const strides: [number, number, number] = [padded[0] === 1 ? 0 : batchStride, padded[1] === 1 ? 0 : headStride, padded[2] === 1 ? 0 : rowStride];
  return { bool: mask.dtype === "bool", strides, length };
}
