import { fail } from "../../errors.js";
import { attrFloat, attrInt, attrString, checkOneOf, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";
import { requireF32, requireShape } from "./nn-common.js";
import { applyActivation, readActivations, type Activation } from "./rnn-activations.js";

/**
 * LSTM: forward, reverse and bidirectional; optional B, sequence_lens, initial_h, initial_c and
 * P (peepholes); activations; clip; input_forget; layout 0 and 1; any output may be unused.
 * Inputs: X, W, R, B, sequence_lens, initial_h, initial_c, P. Gate order i, o, f, c.
 * sequence_lens values outside [0, seq_length] are clamped to it (see sequenceLength).
 * The C kernel (runtime-c/kernels/lstm_f32.c) runs one direction per call.
 */

interface LstmPlan {
  readonly seq: number;
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly directions: number;
  /** Per direction: whether it walks the sequence backwards. */
  readonly reverse: readonly boolean[];
  readonly layout: number;
  readonly inputForget: boolean;
  /** f, g, h for each direction. */
  readonly acts: readonly Activation[];
  /** 0 when absent. */
  readonly clip: number;
  readonly yShape: number[];
  readonly stateShape: number[];
}

function planLstm(node: Node, inputs: readonly (ValueInfo | undefined)[]): LstmPlan {
  const [x, w, r, b, seqLens, h0, c0, p] = inputs;
  const xi = requireF32(node, x, "X");
  const wi = requireF32(node, w, "W");
  const ri = requireF32(node, r, "R");
  const direction = checkOneOf(node, "direction", attrString(node, "direction", "forward"), ["forward", "reverse", "bidirectional"]);
  const layout = checkOneOf(node, "layout", attrInt(node, "layout", 0), [0, 1]);
  const inputForget = checkOneOf(node, "input_forget", attrInt(node, "input_forget", 0), [0, 1]) === 1;
  const directions = direction === "bidirectional" ? 2 : 1;
  if (xi.shape.length !== 3) fail("bad-shape", nodeLabel(node), `X must have rank 3, got ${xi.shape.length}`);
  const [d0, d1, input] = xi.shape as [number, number, number];
  const [seq, batch] = layout === 0 ? [d0, d1] : [d1, d0];
  const hidden = hasAttr(node, "hidden_size") ? attrInt(node, "hidden_size") : (ri.shape[2] ?? 0);
  if (hidden < 1) fail("bad-attribute", nodeLabel(node), `hidden_size must be >= 1, got ${hidden}`);
  requireShape(node, wi, "W", [directions, 4 * hidden, input]);
  requireShape(node, ri, "R", [directions, 4 * hidden, hidden]);
  if (b) requireShape(node, requireF32(node, b, "B"), "B", [directions, 8 * hidden]);
  if (p) requireShape(node, requireF32(node, p, "P"), "P", [directions, 3 * hidden]);
  if (seqLens) {
    if (seqLens.dtype !== "int32") fail("unsupported-dtype", nodeLabel(node), `sequence_lens must be int32, got ${seqLens.dtype}`);
    requireShape(node, seqLens, "sequence_lens", [batch]);
  }
  const stateShape = layout === 0 ? [directions, batch, hidden] : [batch, directions, hidden];
  if (h0) requireShape(node, requireF32(node, h0, "initial_h"), "initial_h", stateShape);
  if (c0) requireShape(node, requireF32(node, c0, "initial_c"), "initial_c", stateShape);
  const clip = hasAttr(node, "clip") ? attrFloat(node, "clip") : 0;
  if (hasAttr(node, "clip") && !(clip > 0)) fail("bad-attribute", nodeLabel(node), `clip must be positive, got ${clip}`);
  return {
    seq,
    batch,
    input,
    hidden,
    directions,
    reverse: direction === "bidirectional" ? [false, true] : [direction === "reverse"],
    layout,
    inputForget,
    acts: readActivations(node, ["Sigmoid", "Tanh", "Tanh"], directions),
    clip,
    yShape: layout === 0 ? [seq, directions, batch, hidden] : [batch, seq, directions, hidden],
    stateShape,
  };
}

/** Element offsets shared by the reference and (in the same form) the C kernel. */
function offsets(p: LstmPlan, d: number) {
  return {
    x: (t: number, b: number) => (p.layout ? b * p.seq + t : t * p.batch + b) * p.input,
    y: (t: number, b: number) => (p.layout ? (b * p.seq + t) * p.directions + d : (t * p.directions + d) * p.batch + b) * p.hidden,
    state: (b: number) => (p.layout ? b * p.directions + d : d * p.batch + b) * p.hidden,
  };
}

/**
 * Steps batch entry `b` runs: sequence_lens[b] clamped to [0, seq], as the C kernel does. ONNX
 * requires 0 <= sequence_lens <= seq_length and leaves other values undefined; clamping keeps the
 * run finite and bounded (an out-of-range length used to loop for its full value).
 */
function sequenceLength(seqLens: Float64Array | undefined, b: number, seq: number): number {
  return seqLens === undefined ? seq : Math.min(Math.max(seqLens[b]!, 0), seq);
}

function reference(p: LstmPlan, inputs: readonly (Tensor | undefined)[]): Float64Array[] {
  const [x, w, r, b, seqLens, h0, c0, peep] = inputs.map((t) => t?.toNumbers());
  const H = p.hidden;
  const y = new Float64Array(p.seq * p.directions * p.batch * H);
  const yh = new Float64Array(p.directions * p.batch * H);
  const yc = new Float64Array(p.directions * p.batch * H);
  const clip = (v: number) => (p.clip > 0 ? Math.min(p.clip, Math.max(-p.clip, v)) : v);
  for (let d = 0; d < p.directions; d++) {
    const [f, g, hAct] = p.acts.slice(3 * d, 3 * d + 3) as [Activation, Activation, Activation];
    const at = offsets(p, d);
    const wOff = d * 4 * H * p.input;
    const rOff = d * 4 * H * H;
    for (let bi = 0; bi < p.batch; bi++) {
      const len = sequenceLength(seqLens, bi, p.seq);
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

function infos(inputs: readonly (Tensor | undefined)[]): (ValueInfo | undefined)[] {
  return inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined));
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
    const p = planLstm(node, infos(inputs));
    const [y, yh, yc] = reference(p, inputs);
    return [Tensor.fromNumbers("float32", p.yShape, y!), Tensor.fromNumbers("float32", p.stateShape, yh!), Tensor.fromNumbers("float32", p.stateShape, yc!)];
  },
  emitC(node, ctx) {
    const p = planLstm(node, node.inputs.map((n) => (n === "" ? undefined : ctx.info(n))));
    const arg = (i: number) => ctx.ptr(node.inputs[i] ?? "");
    const out = (i: number) => ctx.ptr(node.outputs[i] ?? "");
    ctx.useRuntime("lstm_f32");
    for (let d = 0; d < p.directions; d++) {
      const [f, g, h] = p.acts.slice(3 * d, 3 * d + 3) as [Activation, Activation, Activation];
      const ip = ctx.constArray("int32_t", [p.seq, p.batch, p.input, p.hidden, p.directions, d, p.reverse[d] ? 1 : 0, p.layout, p.inputForget ? 1 : 0, f.code, g.code, h.code]);
      const fp = ctx.constArray("float", [p.clip, f.alpha, f.beta, g.alpha, g.beta, h.alpha, h.beta].map((v) => Math.fround(v)));
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
