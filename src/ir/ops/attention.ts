import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";
import { planAttention, type AttentionPlan } from "./attention-plan.js";
import { nodeInfos, tensorInfos } from "./nn-common.js";
import { withHalfIo } from "./half-io.js";

/**
 * Attention (opset 23/24), float32: scaled dot-product attention with grouped-query heads (query
 * head h reads key/value head h / (q_heads / kv_heads)), a float or bool mask (shorter than the
 * keys: the rest is masked), is_causal (bottom-right aligned: query i sees keys j <= i + offset,
 * offset = past length, or nonpad_kv_seqlen[b] - q_len without a past), softcap before the mask,
 * nonpad_kv_seqlen padding, past/present key-value caches and qk_matmul_output. Per score row:
 *   s_j = softcap(scale * q . k_j) + bias_j;  p = softmax(s) (all zeros when every key is masked);
 *   y = sum_j p_j v_j
 * Kernel: runtime-c/kernels/attention_f32.c, one call per node.
 */

/** Element offsets shared by the reference and the C kernel (attention_f32.c). */
function offsets(p: AttentionPlan) {
  const total = p.pastLen + p.kvLen;
  return {
    q: (b: number, h: number, i: number) => (p.packed ? (b * p.qLen + i) * p.qHeads + h : (b * p.qHeads + h) * p.qLen + i) * p.headSize,
    kvNew: (b: number, h: number, j: number, d: number) => (p.packed ? (b * p.kvLen + j) * p.kvHeads + h : (b * p.kvHeads + h) * p.kvLen + j) * d,
    past: (b: number, h: number, j: number, d: number) => ((b * p.kvHeads + h) * p.pastLen + j) * d,
    present: (b: number, h: number, j: number, d: number) => ((b * p.kvHeads + h) * total + j) * d,
    y: (b: number, h: number, i: number) => (p.packed ? (b * p.qLen + i) * p.qHeads + h : (b * p.qHeads + h) * p.qLen + i) * p.vHeadSize,
    qk: (b: number, h: number, i: number) => ((b * p.qHeads + h) * p.qLen + i) * total,
  };
}

/** The additive bias of score (b, h, i, j): the mask, the causal limit and the padding. */
function biasOf(p: AttentionPlan, mask: Float64Array | undefined, nonpad: Float64Array | undefined) {
  const offset = (b: number) => (p.pastLen > 0 || !nonpad ? p.pastLen : nonpad[b]! - p.qLen);
  return (b: number, h: number, i: number, j: number): number => {
    let bias = 0;
    if (p.mask && mask) {
      if (j >= p.mask.length) return -Infinity;
      const m = mask[b * p.mask.strides[0] + h * p.mask.strides[1] + i * p.mask.strides[2] + j]!;
      bias = p.mask.bool ? (m !== 0 ? 0 : -Infinity) : m;
    }
    if (p.causal && j > i + offset(b)) return -Infinity;
    if (nonpad && j >= nonpad[b]!) return -Infinity;
    return bias;
  };
}

function reference(p: AttentionPlan, inputs: readonly (Tensor | undefined)[]): Float64Array[] {
  const [q, k, v, mask, pastK, pastV, nonpad] = inputs.map((t) => t?.toNumbers());
  const at = offsets(p);
  const total = p.pastLen + p.kvLen;
  const cache = (past: Float64Array | undefined, fresh: Float64Array, d: number) => {
    const out = new Float64Array(p.batch * p.kvHeads * total * d);
    for (let b = 0; b < p.batch; b++) {
      for (let h = 0; h < p.kvHeads; h++) {
        for (let j = 0; j < total; j++) {
          const src = j < p.pastLen ? past!.subarray(at.past(b, h, j, d), at.past(b, h, j, d) + d) : fresh.subarray(at.kvNew(b, h, j - p.pastLen, d), at.kvNew(b, h, j - p.pastLen, d) + d);
          out.set(src, at.present(b, h, j, d));
        }
      }
    }
    return out;
  };
  const keys = cache(pastK, k!, p.headSize);
  const values = cache(pastV, v!, p.vHeadSize);
  const y = new Float64Array(p.batch * p.qHeads * p.qLen * p.vHeadSize);
  const qk = new Float64Array(p.batch * p.qHeads * p.qLen * total);
  const bias = biasOf(p, mask, nonpad);
  const group = p.qHeads / p.kvHeads;
  for (let b = 0; b < p.batch; b++) {
    for (let h = 0; h < p.qHeads; h++) {
      const hk = Math.floor(h / group);
      for (let i = 0; i < p.qLen; i++) {
        const s = new Float64Array(total);
        for (let j = 0; j < total; j++) {
          let dot = 0;
          for (let d = 0; d < p.headSize; d++) dot += q![at.q(b, h, i) + d]! * keys[at.present(b, hk, j, p.headSize) + d]!;
          let score = dot * p.scale;
          if (p.softcap > 0) score = p.softcap * Math.tanh(score / p.softcap);
          if (p.qkMode <= 1) qk[at.qk(b, h, i) + j] = score;
          s[j] = score + bias(b, h, i, j);
          if (p.qkMode === 2) qk[at.qk(b, h, i) + j] = s[j]!;
        }
        const max = s.reduce((m, x) => Math.max(m, x), -Infinity);
        const e = s.map((x) => (max === -Infinity ? 0 : Math.exp(x - max)));
        const sum = e.reduce((a, x) => a + x, 0);
        for (let j = 0; j < total; j++) {
          const pj = sum > 0 ? e[j]! / sum : 0;
          if (p.qkMode === 3) qk[at.qk(b, h, i) + j] = pj;
          const yAt = at.y(b, h, i);
          const vAt = at.present(b, hk, j, p.vHeadSize);
          for (let d = 0; d < p.vHeadSize; d++) y[yAt + d] = y[yAt + d]! + pj * values[vAt + d]!;
        }
      }
    }
  }
  return [y, keys, values, qk];
}


const Attention: OpDef = {
  name: "Attention",
  family: "attention",
  inputs: { min: 3, max: 7 },
  outputs: { min: 1, max: 4 },
  infer(node, inputs) {
    const p = planAttention(node, inputs);
    return [p.yShape, p.presentKeyShape, p.presentValueShape, p.qkShape].map((shape) => ({ dtype: "float32" as const, shape }));
  },
  evaluate(node, inputs) {
    const p = planAttention(node, tensorInfos(inputs));
    const shapes = [p.yShape, p.presentKeyShape, p.presentValueShape, p.qkShape];
    return reference(p, inputs).map((data, i) => Tensor.fromNumbers("float32", shapes[i]!, data));
  },
  emitC(node, ctx) {
    const p = planAttention(node, nodeInfos(node, ctx));
    const m = p.mask;
    const ip = ctx.constArray("int32_t", [
      p.batch, p.qHeads, p.kvHeads, p.qLen, p.kvLen, p.pastLen, p.headSize, p.vHeadSize,
      p.packed ? 1 : 0, p.causal ? 1 : 0, p.qkMode, m ? (m.bool ? 2 : 1) : 0, ...(m ? m.strides : [0, 0, 0]), m ? m.length : 0,
    ]);
    const fp = ctx.constArray("float", [Math.fround(p.scale), Math.fround(p.softcap)]);
    const arg = (i: number) => ctx.ptr(node.inputs[i] ?? "");
    const out = (i: number) => ctx.ptr(node.outputs[i] ?? "");
    ctx.useRuntime("attention_f32");
    ctx.line(`eg_attention_f32(${[0, 1, 2, 3, 4, 5, 6].map(arg).join(", ")}, ${[0, 1, 2, 3].map(out).join(", ")}, (float *)${ctx.scratch()}, ${ip}, ${fp});`);
  },
  scratchBytes(node, inputs) {
    const p = planAttention(node, inputs);
    return 4 * (p.pastLen + p.kvLen);
  },
  macs(node, inputs) {
    const p = planAttention(node, inputs);
    return p.batch * p.qHeads * p.qLen * (p.pastLen + p.kvLen) * (p.headSize + p.vHeadSize);
  },
};

registerOps([withHalfIo(Attention)]);
