import { attrInt } from "../attrs.js";
import type { Node, ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";
import { nodeInfos, tensorInfos } from "./nn-common.js";
import { applyActivation, type Activation } from "./rnn-activations.js";
import {
  clipTo,
  directionActs,
  dotRow,
  planRecurrent,
  recurrentFloatParams,
  recurrentIntParams,
  recurrentOffsets,
  sequenceLength,
  type RecurrentPlan,
} from "./rnn-common.js";

/**
 * The single-state recurrent ops, float32: GRU (gate order z, r, h; `linear_before_reset`) and
 * RNN (h = f(x W + h R + Wb + Rb)). Forward, reverse and bidirectional; optional B,
 * sequence_lens and initial_h; activations with alpha/beta; clip; layout 0 and 1; Y and Y_h may
 * each be unused. Steps past a batch entry's sequence length leave zeros in Y.
 * Kernels: runtime-c/kernels/gru_f32.c and rnn_f32.c, one direction per call.
 *
 * No integer twin: neither TFLite (its RNN ops are hybrid, float activations) nor ONNX has an
 * integer GRU or RNN to keep bit-exact with.
 */

/** One time step of one batch entry: the new hidden state from x_t and h_{t-1}. */
type Step = (x: Float64Array, xBase: number, h: readonly number[]) => number[];

/** The weights of one direction, as the reference steps read them. */
interface DirectionWeights {
  readonly w: Float64Array;
  readonly r: Float64Array;
  readonly b: Float64Array | undefined;
  /** Offsets of this direction's W, R and B. */
  readonly wOff: number;
  readonly rOff: number;
  readonly bOff: number;
}

interface RecurrentSpec {
  readonly name: "GRU" | "RNN";
  readonly gates: number;
  readonly defaults: readonly string[];
  /** The op's own int parameters after the common ones (before the activation codes). */
  extraInts(node: Node): number[];
  /** Builds one direction's step function. */
  step(node: Node, p: RecurrentPlan, acts: readonly Activation[], dw: DirectionWeights): Step;
  /** Scratch floats of one kernel call beyond the batch * hidden state. */
  readonly scratchRows: number;
}

function reference(spec: RecurrentSpec, node: Node, p: RecurrentPlan, inputs: readonly (Tensor | undefined)[]): [Float64Array, Float64Array] {
  const [x, w, r, b, seqLens, h0] = inputs.map((t) => t?.toNumbers());
  const H = p.hidden;
  const y = new Float64Array(p.seq * p.directions * p.batch * H);
  const yh = new Float64Array(p.directions * p.batch * H);
  for (let d = 0; d < p.directions; d++) {
    const at = recurrentOffsets(p, d);
    const g = spec.gates;
    const step = spec.step(node, p, directionActs(p, d, spec.defaults.length), { w: w!, r: r!, b, wOff: d * g * H * p.input, rOff: d * g * H * H, bOff: d * 2 * g * H });
    for (let bi = 0; bi < p.batch; bi++) {
      const len = sequenceLength(p, seqLens, bi);
      let h = Array.from({ length: H }, (_, k) => (h0 ? h0[at.state(bi) + k]! : 0));
      for (let s = 0; s < len; s++) {
        const t = p.reverse[d] ? len - 1 - s : s;
        h = step(x!, at.x(t, bi), h);
        h.forEach((v, k) => (y[at.y(t, bi) + k] = v));
      }
      h.forEach((v, k) => (yh[at.state(bi) + k] = v));
    }
  }
  return [y, yh];
}

function recurrentOp(spec: RecurrentSpec): OpDef {
  const plan = (node: Node, inputs: readonly (ValueInfo | undefined)[]) => planRecurrent(node, inputs, spec.gates, spec.defaults);
  const kernel = `${spec.name.toLowerCase()}_f32`;
  return {
    name: spec.name,
    family: "rnn",
    inputs: { min: 3, max: 6 },
    outputs: { min: 0, max: 2 },
    infer(node, inputs) {
      const p = plan(node, inputs);
      spec.extraInts(node);
      return [
        { dtype: "float32", shape: p.yShape },
        { dtype: "float32", shape: p.stateShape },
      ];
    },
    evaluate(node, inputs) {
      const p = plan(node, tensorInfos(inputs));
      const [y, yh] = reference(spec, node, p, inputs);
      return [Tensor.fromNumbers("float32", p.yShape, y), Tensor.fromNumbers("float32", p.stateShape, yh)];
    },
    emitC(node, ctx) {
      const p = plan(node, nodeInfos(node, ctx));
      const arg = (i: number) => ctx.ptr(node.inputs[i] ?? "");
      const out = (i: number) => ctx.ptr(node.outputs[i] ?? "");
      ctx.useRuntime("rnn_common_f32");
      ctx.useRuntime(kernel);
      for (let d = 0; d < p.directions; d++) {
        const acts = directionActs(p, d, spec.defaults.length);
        const ip = ctx.constArray("int32_t", recurrentIntParams(p, d, acts, spec.extraInts(node)));
        const fp = ctx.constArray("float", recurrentFloatParams(p, acts));
        ctx.line(`eg_${kernel}(${[0, 1, 2, 3, 4, 5].map(arg).join(", ")}, ${out(0)}, ${out(1)}, (float *)${ctx.scratch()}, ${ip}, ${fp});`);
      }
    },
    scratchBytes(node, inputs) {
      const p = plan(node, inputs);
      return 4 * (p.batch * p.hidden + spec.scratchRows * p.hidden);
    },
    macs(node, inputs) {
      const p = plan(node, inputs);
      return p.directions * p.seq * p.batch * spec.gates * p.hidden * (p.input + p.hidden);
    },
  };
}

const GRU = recurrentOp({
  name: "GRU",
  gates: 3,
  defaults: ["Sigmoid", "Tanh"],
  extraInts: (node) => [attrInt(node, "linear_before_reset", 0) !== 0 ? 1 : 0],
  scratchRows: 4,
  step(node, p, [f, g], { w, r, b, wOff, rOff, bOff }) {
    const H = p.hidden;
    const I = p.input;
    const lbr = attrInt(node, "linear_before_reset", 0) !== 0;
    const bias = (k: number) => (b ? b[bOff + k]! : 0);
    return (x, xBase, h) => {
      const gate = (row: number) => clipTo(p, bias(row) + bias(3 * H + row) + dotRow(w, wOff, row, I, x, xBase) + dotRow(r, rOff, row, H, h));
      const z = Array.from({ length: H }, (_, k) => applyActivation(f!, gate(k)));
      const rg = Array.from({ length: H }, (_, k) => applyActivation(f!, gate(H + k)));
      const rh = h.map((v, k) => v * rg[k]!);
      return h.map((hk, k) => {
        const row = 2 * H + k;
        const xPart = bias(row) + dotRow(w, wOff, row, I, x, xBase);
        const hPart = lbr ? rg[k]! * (bias(3 * H + row) + dotRow(r, rOff, row, H, h)) : bias(3 * H + row) + dotRow(r, rOff, row, H, rh);
        const cand = applyActivation(g!, clipTo(p, xPart + hPart));
        return (1 - z[k]!) * cand + z[k]! * hk;
      });
    };
  },
});

const RNN = recurrentOp({
  name: "RNN",
  gates: 1,
  defaults: ["Tanh"],
  extraInts: () => [],
  scratchRows: 1,
  step(_node, p, [f], { w, r, b, wOff, rOff, bOff }) {
    const H = p.hidden;
    const bias = (k: number) => (b ? b[bOff + k]! + b[bOff + H + k]! : 0);
    return (x, xBase, h) => h.map((_, k) => applyActivation(f!, clipTo(p, bias(k) + dotRow(w, wOff, k, p.input, x, xBase) + dotRow(r, rOff, k, H, h))));
  },
});

registerOps([GRU, RNN]);
