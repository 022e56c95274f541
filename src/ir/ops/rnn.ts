import { attrInt, checkOneOf } from "../attrs.js";
import type { Node, ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";
import { nodeInfos, requireF32, requireShape, tensorInfos } from "./nn-common.js";
import { applyActivation, type Activation } from "./rnn-activations.js";
import {
  clipTo,
  directionActs,
  planRecurrent,
  recurrentFloatParams,
  recurrentIntParams,
  recurrentOffsets,
  sequenceLength,
  type RecurrentPlan,
} from "./rnn-common.js";

/**
 * LSTM: forward, reverse and bidirectional; optional B, sequence_lens, initial_h, initial_c and
 * P (peepholes); activations; clip; input_forget; layout 0 and 1; any output may be unused.
 * Inputs: X, W, R, B, sequence_lens, initial_h, initial_c, P. Gate order i, o, f, c.
 * sequence_lens values outside [0, seq_length] are clamped to it (sequenceLength in rnn-common.ts).
 * The C kernel (runtime-c/kernels/lstm_f32.c, activations in rnn_common_f32.c) runs one direction per
 * call. The inputs and attributes shared with GRU and RNN are read by rnn-common.ts.
 */

interface LstmPlan extends RecurrentPlan {
  readonly inputForget: boolean;
}

function planLstm(node: Node, inputs: readonly (ValueInfo | undefined)[]): LstmPlan {
  const base = planRecurrent(node, inputs, 4, ["Sigmoid", "Tanh", "Tanh"]);
  const [c0, p] = [inputs[6], inputs[7]];
  if (c0) requireShape(node, requireF32(node, c0, "initial_c"), "initial_c", base.stateShape);
  if (p) requireShape(node, requireF32(node, p, "P"), "P", [base.directions, 3 * base.hidden]);
  const inputForget = checkOneOf(node, "input_forget", attrInt(node, "input_forget", 0), [0, 1]) === 1;
  return { ...base, inputForget };
}

function reference(p: LstmPlan, inputs: readonly (Tensor | undefined)[]): Float64Array[] {
  const [x, w, r, b, seqLens, h0, c0, peep] = inputs.map((t) => t?.toNumbers());
  const H = p.hidden;
  const y = new Float64Array(p.seq * p.directions * p.batch * H);
  const yh = new Float64Array(p.directions * p.batch * H);
  const yc = new Float64Array(p.directions * p.batch * H);
  const clip = (v: number) => clipTo(p, v);
  for (let d = 0; d < p.directions; d++) {
    const [f, g, hAct] = directionActs(p, d, 3) as [Activation, Activation, Activation];
    const at = recurrentOffsets(p, d);
    const wOff = d * 4 * H * p.input;
    const rOff = d * 4 * H * H;
    for (let bi = 0; bi < p.batch; bi++) {
      const len = sequenceLength(p, seqLens, bi);
      const h = Array.from({ length: H }, (_, k) => (h0 ? h0[at.state(bi) + k]! : 0));
      const c = Array.from({ length: H }, (_, k) => (c0 ? c0[at.state(bi) + k]! : 0));
      for (let s = 0; s < len; s++) {
        const t = p.reverse[d] ? len - 1 - s : s;
        const gates = new Array<number>(4 * H);
        for (let gi = 0; gi < 4 * H; gi++) {
          let acc = b ? b[d * 8 * H + gi]! + b[d * 8 * H + 4 * H + gi]! : 0;
          for (let k = 0; k < p.input; k++) acc += x![at.x(t, bi) + k]! * w![wOff + gi * p.input + k]!;
          for (let k = 0; k < H; k++) acc += h[k]! * r![rOff + gi * H + k]!;
          gates[gi] = acc;
        }
        for (let k = 0; k < H; k++) {
          const pi = peep ? peep[d * 3 * H + k]! : 0;
          const po = peep ? peep[d * 3 * H + H + k]! : 0;
          const pf = peep ? peep[d * 3 * H + 2 * H + k]! : 0;
          const i = applyActivation(f, clip(gates[k]! + pi * c[k]!));
          const fg = p.inputForget ? 1 - i : applyActivation(f, clip(gates[2 * H + k]! + pf * c[k]!));
          const cand = applyActivation(g, clip(gates[3 * H + k]!));
          const ct = fg * c[k]! + i * cand;
          const o = applyActivation(f, clip(gates[H + k]! + po * ct));
          c[k] = ct;
          h[k] = o * applyActivation(hAct, ct);
        }
        h.forEach((v, k) => (y[at.y(t, bi) + k] = v));
      }
      h.forEach((v, k) => (yh[at.state(bi) + k] = v));
      c.forEach((v, k) => (yc[at.state(bi) + k] = v));
    }
  }
  return [y, yh, yc];
}

const LSTM: OpDef = {
  name: "LSTM",
  family: "rnn",
  inputs: { min: 3, max: 8 },
  outputs: { min: 0, max: 3 },
  infer(node, inputs) {
    const p = planLstm(node, inputs);
    return [
      { dtype: "float32", shape: p.yShape },
      { dtype: "float32", shape: p.stateShape },
      { dtype: "float32", shape: p.stateShape },
    ];
  },
  evaluate(node, inputs) {
    const p = planLstm(node, tensorInfos(inputs));
    const [y, yh, yc] = reference(p, inputs);
    return [Tensor.fromNumbers("float32", p.yShape, y!), Tensor.fromNumbers("float32", p.stateShape, yh!), Tensor.fromNumbers("float32", p.stateShape, yc!)];
  },
  emitC(node, ctx) {
    const p = planLstm(node, nodeInfos(node, ctx));
    const arg = (i: number) => ctx.ptr(node.inputs[i] ?? "");
    const out = (i: number) => ctx.ptr(node.outputs[i] ?? "");
    ctx.useRuntime("rnn_common_f32");
    ctx.useRuntime("lstm_f32");
    for (let d = 0; d < p.directions; d++) {
      const acts = directionActs(p, d, 3);
      const ip = ctx.constArray("int32_t", recurrentIntParams(p, d, acts, [p.inputForget ? 1 : 0]));
      const fp = ctx.constArray("float", recurrentFloatParams(p, acts));
      ctx.line(
        `eg_lstm_f32(${arg(0)}, ${arg(1)}, ${arg(2)}, ${arg(3)}, ${arg(4)}, ${arg(5)}, ${arg(6)}, ${arg(7)}, ` +
          `${out(0)}, ${out(1)}, ${out(2)}, (float *)${ctx.scratch()}, ${ip}, ${fp});`,
      );
    }
  },
  scratchBytes(node, inputs) {
    const p = planLstm(node, inputs);
    return 4 * (2 * p.batch * p.hidden + 4 * p.hidden);
  },
  macs(node, inputs) {
    const p = planLstm(node, inputs);
    return p.directions * p.seq * p.batch * 4 * p.hidden * (p.input + p.hidden);
  },
};

registerOps([LSTM]);
