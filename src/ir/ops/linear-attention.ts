import { cLiteral } from "../../codegen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt, attrString, checkOneOf, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { nodeInfos, requireF32, requireShape, tensorInfos } from "./nn-common.js";
import { withHalfIo } from "./half-io.js";

/**
 * LinearAttention (opset 27), float32: the recurrent attention of linear-attention / state-space
 * layers. Inputs query, key, value [B, T, heads * d] (packed), past_state [B, kv_heads, d_k, d_v],
 * decay (log-space gate, [B, T, kv_heads] or [B, T, kv_heads * d_k]), beta ([B, T, kv_heads] or
 * [B, T, 1]), erase_gate [B, T, kv_heads * d_k]. Per batch, KV head and step, with state S:
 *   gated rules:  S = exp(g_t) * S                      (per key row of S)
 *   delta rules:  v_t = beta_t * (v_t - S^T (e_t * k_t))  (e_t = erase gate, 1 when absent)
 *   S = S + k_t v_t^T;  output_t = scale * q_t^T S for every query head sharing the KV head
 * update_rule: linear, gated, delta, gated_delta (default). Outputs: output [B, T, q_heads * d_v],
 * present_state. chunk_size is a speed hint with no effect on the result.
 * Kernel: runtime-c/kernels/linear_attention_f32.c.
 */
interface LinearAttentionPlan {
  readonly batch: number;
  readonly steps: number;
  readonly qHeads: number;
  readonly kvHeads: number;
  readonly dk: number;
  readonly dv: number;
  readonly gated: boolean;
  readonly delta: boolean;
  /** decay values per (step, KV head): 1 (one per head) or d_k (one per key row). */
  readonly decayWidth: number;
  /** beta values per step: kv_heads or 1 (shared by all heads). */
  readonly betaWidth: number;
  readonly scale: number;
}

const RULES = ["linear", "gated", "delta", "gated_delta"];

function plan(node: Node, inputs: readonly (ValueInfo | undefined)[]): LinearAttentionPlan {
  const [q, k, v, past, decay, beta, erase] = inputs;
  const [qi, ki, vi] = [requireF32(node, q, "query"), requireF32(node, k, "key"), requireF32(node, v, "value")];
  for (const [what, info] of [["query", qi], ["key", ki], ["value", vi]] as const) {
    if (info.shape.length !== 3) fail("bad-shape", nodeLabel(node), `${what} must be [batch, steps, heads * size], got ${shapeToString(info.shape)}`);
  }
  const qHeads = attrInt(node, "q_num_heads");
  const kvHeads = attrInt(node, "kv_num_heads");
  if (qHeads < 1 || kvHeads < 1 || qHeads % kvHeads !== 0) fail("bad-attribute", nodeLabel(node), `q_num_heads ${qHeads} must be a positive multiple of kv_num_heads ${kvHeads}`);
  const [batch, steps, qWidth] = qi.shape as [number, number, number];
  if (qWidth % qHeads !== 0 || vi.shape[2]! % kvHeads !== 0) fail("bad-shape", nodeLabel(node), `query's last dim ${qWidth} must be a multiple of q_num_heads and value's ${vi.shape[2]} of kv_num_heads`);
  const dk = qWidth / qHeads;
  const dv = vi.shape[2]! / kvHeads;
  requireShape(node, ki, "key", [batch, steps, kvHeads * dk]);
  requireShape(node, vi, "value", [batch, steps, kvHeads * dv]);
  if (past) requireShape(node, requireF32(node, past, "past_state"), "past_state", [batch, kvHeads, dk, dv]);
  const rule = checkOneOf(node, "update_rule", attrString(node, "update_rule", "gated_delta"), RULES);
  const gated = rule === "gated" || rule === "gated_delta";
  const delta = rule === "delta" || rule === "gated_delta";
  for (const [what, info, needed] of [["decay", decay, gated], ["beta", beta, delta]] as const) {
    if (needed !== !!info) fail("missing-tensor", nodeLabel(node), `update_rule "${rule}" ${needed ? "requires" : "forbids"} the ${what} input`);
  }
  if (erase && !delta) fail("missing-tensor", nodeLabel(node), `update_rule "${rule}" forbids the erase_gate input`);
  const decayWidth = decay ? lastDim(node, requireF32(node, decay, "decay"), "decay", [batch, steps], [kvHeads, kvHeads * dk]) / kvHeads : 1;
  const betaWidth = beta ? lastDim(node, requireF32(node, beta, "beta"), "beta", [batch, steps], [kvHeads, 1]) : 1;
  if (erase) requireShape(node, requireF32(node, erase, "erase_gate"), "erase_gate", [batch, steps, kvHeads * dk]);
  const scale = hasAttr(node, "scale") && attrFloat(node, "scale") !== 0 ? attrFloat(node, "scale") : 1 / Math.sqrt(dk);
  return { batch, steps, qHeads, kvHeads, dk, dv, gated, delta, decayWidth, betaWidth, scale };
}

/** Checks a [batch, steps, w] gate input with w one of `widths`; returns w. */
function lastDim(node: Node, info: ValueInfo, what: string, lead: readonly number[], widths: readonly number[]): number {
  const w = info.shape[2] ?? -1;
  if (info.shape.length !== 3 || info.shape[0] !== lead[0] || info.shape[1] !== lead[1] || !widths.includes(w)) {
    fail("bad-shape", nodeLabel(node), `${what} must be [${lead.join(", ")}, ${widths.join(" or ")}], got ${shapeToString(info.shape)}`);
  }
  return w;
}

function reference(p: LinearAttentionPlan, inputs: readonly (Tensor | undefined)[]): [Float64Array, Float64Array] {
  const [q, k, v, past, decay, beta, erase] = inputs.map((t) => t?.toNumbers());
  const out = new Float64Array(p.batch * p.steps * p.qHeads * p.dv);
  const present = new Float64Array(p.batch * p.kvHeads * p.dk * p.dv);
  const group = p.qHeads / p.kvHeads;
  for (let b = 0; b < p.batch; b++) {
    for (let hk = 0; hk < p.kvHeads; hk++) {
      const base = (b * p.kvHeads + hk) * p.dk * p.dv;
      const s = past ? past.slice(base, base + p.dk * p.dv) : new Float64Array(p.dk * p.dv);
      for (let t = 0; t < p.steps; t++) {
        const row = b * p.steps + t;
        const kAt = (row * p.kvHeads + hk) * p.dk;
        const vt = v!.slice((row * p.kvHeads + hk) * p.dv, (row * p.kvHeads + hk + 1) * p.dv);
        if (p.gated) {
          for (let i = 0; i < p.dk; i++) {
            const g = Math.exp(decay![(row * p.kvHeads + hk) * p.decayWidth + (p.decayWidth === 1 ? 0 : i)]!);
            for (let m = 0; m < p.dv; m++) s[i * p.dv + m] = s[i * p.dv + m]! * g;
          }
        }
        if (p.delta) {
          const bt = beta![row * p.betaWidth + (p.betaWidth === 1 ? 0 : hk)]!;
          for (let m = 0; m < p.dv; m++) {
            let got = 0;
            for (let i = 0; i < p.dk; i++) got += s[i * p.dv + m]! * k![kAt + i]! * (erase ? erase[kAt + i]! : 1);
            vt[m] = bt * (vt[m]! - got);
          }
        }
        for (let i = 0; i < p.dk; i++) for (let m = 0; m < p.dv; m++) s[i * p.dv + m] = s[i * p.dv + m]! + k![kAt + i]! * vt[m]!;
        for (let h = hk * group; h < (hk + 1) * group; h++) {
          const qAt = (row * p.qHeads + h) * p.dk;
          for (let m = 0; m < p.dv; m++) {
            let acc = 0;
            for (let i = 0; i < p.dk; i++) acc += q![qAt + i]! * s[i * p.dv + m]!;
            out[(row * p.qHeads + h) * p.dv + m] = p.scale * acc;
          }
        }
      }
      present.set(s, base);
    }
  }
  return [out, present];
}

const shapes = (p: LinearAttentionPlan) => [
  [p.batch, p.steps, p.qHeads * p.dv],
  [p.batch, p.kvHeads, p.dk, p.dv],
];

const LinearAttention: OpDef = {
  name: "LinearAttention",
  family: "attention",
  inputs: { min: 3, max: 7 },
  outputs: { min: 1, max: 2 },
  infer(node, inputs) {
    return shapes(plan(node, inputs)).map((shape) => ({ dtype: "float32" as const, shape }));
  },
  evaluate(node, inputs) {
    const p = plan(node, tensorInfos(inputs));
    const [out, present] = reference(p, inputs);
    const [yShape, sShape] = shapes(p);
    return [Tensor.fromNumbers("float32", yShape!, out), Tensor.fromNumbers("float32", sShape!, present)];
  },
  emitC(node, ctx) {
    const p = plan(node, nodeInfos(node, ctx));
    const arg = (i: number) => ctx.ptr(node.inputs[i] ?? "");
    const ip = ctx.constArray("int32_t", [p.batch, p.steps, p.qHeads, p.kvHeads, p.dk, p.dv, p.gated ? 1 : 0, p.delta ? 1 : 0, p.decayWidth, p.betaWidth]);
    ctx.useRuntime("linear_attention_f32");
    ctx.line(`eg_linear_attention_f32(${[0, 1, 2, 3, 4, 5, 6].map(arg).join(", ")}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.ptr(node.outputs[1] ?? "")}, (float *)${ctx.scratch()}, ${ip}, ${cLiteral("float32", Math.fround(p.scale))});`);
  },
  scratchBytes(node, inputs) {
    const p = plan(node, inputs);
    return 4 * (p.dk * p.dv + p.dv);
  },
  macs(node, inputs) {
    const p = plan(node, inputs);
    return p.batch * p.steps * (p.kvHeads * 3 + p.qHeads) * p.dk * p.dv;
  },
};

registerOps([withHalfIo(LinearAttention)]);
