import { fail } from "../../errors.js";
import { attrFloat, attrInt, attrString, checkOneOf, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import { requireF32, requireShape } from "./nn-common.js";
import { readActivations, type Activation } from "./rnn-activations.js";

/**
 * What ONNX's recurrent ops (LSTM, GRU, RNN) share: inputs X, W, R, B, sequence_lens, initial_h
 * in that order; `direction`, `layout`, `hidden_size`, `clip` and the activation lists; the
 * outputs Y [seq, dirs, batch, hidden] and Y_h [dirs, batch, hidden] (batch first when layout = 1).
 * W is [dirs, gates*hidden, input], R [dirs, gates*hidden, hidden], B [dirs, 2*gates*hidden].
 */
export interface RecurrentPlan {
  readonly seq: number;
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly directions: number;
  /** Per direction: whether it walks the sequence backwards. */
  readonly reverse: readonly boolean[];
  readonly layout: number;
  /** The op's activations for each direction, `perDirection` of them each. */
  readonly acts: readonly Activation[];
  /** 0 when absent. */
  readonly clip: number;
  readonly yShape: number[];
  readonly stateShape: number[];
}

/**
 * Validates the shared inputs and attributes. `gates` is the number of gate blocks stacked in W
 * (LSTM 4, GRU 3, RNN 1); `defaultActs` are one direction's default activations.
 */
export function planRecurrent(node: Node, inputs: readonly (ValueInfo | undefined)[], gates: number, defaultActs: readonly string[]): RecurrentPlan {
  const [x, w, r, b, seqLens, h0] = inputs;
  const xi = requireF32(node, x, "X");
  const wi = requireF32(node, w, "W");
  const ri = requireF32(node, r, "R");
  const direction = checkOneOf(node, "direction", attrString(node, "direction", "forward"), ["forward", "reverse", "bidirectional"]);
  const layout = checkOneOf(node, "layout", attrInt(node, "layout", 0), [0, 1]);
  const directions = direction === "bidirectional" ? 2 : 1;
  if (xi.shape.length !== 3) fail("bad-shape", nodeLabel(node), `X must have rank 3, got ${xi.shape.length}`);
  const [d0, d1, input] = xi.shape as [number, number, number];
  const [seq, batch] = layout === 0 ? [d0, d1] : [d1, d0];
  const hidden = hasAttr(node, "hidden_size") ? attrInt(node, "hidden_size") : (ri.shape[2] ?? 0);
  if (hidden < 1) fail("bad-attribute", nodeLabel(node), `hidden_size must be >= 1, got ${hidden}`);
  requireShape(node, wi, "W", [directions, gates * hidden, input]);
  requireShape(node, ri, "R", [directions, gates * hidden, hidden]);
  if (b) requireShape(node, requireF32(node, b, "B"), "B", [directions, 2 * gates * hidden]);
  if (seqLens) {
    if (seqLens.dtype !== "int32") fail("unsupported-dtype", nodeLabel(node), `sequence_lens must be int32, got ${seqLens.dtype}`);
    requireShape(node, seqLens, "sequence_lens", [batch]);
  }
  const stateShape = layout === 0 ? [directions, batch, hidden] : [batch, directions, hidden];
  if (h0) requireShape(node, requireF32(node, h0, "initial_h"), "initial_h", stateShape);
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
    acts: readActivations(node, defaultActs, directions),
    clip,
    yShape: layout === 0 ? [seq, directions, batch, hidden] : [batch, seq, directions, hidden],
    stateShape,
  };
}

/** Element offsets into X, Y and the [dirs, batch, hidden] states, the same in the C kernels. */
export function recurrentOffsets(p: RecurrentPlan, d: number) {
  return {
    x: (t: number, b: number) => (p.layout ? b * p.seq + t : t * p.batch + b) * p.input,
    y: (t: number, b: number) => (p.layout ? (b * p.seq + t) * p.directions + d : (t * p.directions + d) * p.batch + b) * p.hidden,
    state: (b: number) => (p.layout ? b * p.directions + d : d * p.batch + b) * p.hidden,
  };
}

/** Clips a gate pre-activation to [-clip, clip] (no clipping when clip is 0). */
/**
 * Steps of batch entry `b`: its sequence_lens value clamped to [0, seq_length] (ONNX requires
 * values in that range; the C kernels clamp the same way, so a bad value never hangs or reads past X).
 */
export function sequenceLength(p: RecurrentPlan, seqLens: Float64Array | undefined, b: number): number {
  return seqLens === undefined ? p.seq : Math.min(Math.max(seqLens[b]!, 0), p.seq);
}

export function clipTo(p: RecurrentPlan, v: number): number {
  return p.clip > 0 ? Math.min(p.clip, Math.max(-p.clip, v)) : v;
}

/**
 * Row `row` of gate block `gate` applied to one input vector: sum_k vec[k] * m[gate rows + row, k],
 * with `m` one direction's [gates*hidden, width] matrix starting at `base`.
 */
export function dotRow(m: Float64Array, base: number, rowIndex: number, width: number, vec: ArrayLike<number>, vecBase = 0): number {
  let acc = 0;
  for (let k = 0; k < width; k++) acc += vec[vecBase + k]! * m[base + rowIndex * width + k]!;
  return acc;
}

/** The kernel's per-direction int parameters common to the three ops, then the op's own. */
export function recurrentIntParams(p: RecurrentPlan, d: number, acts: readonly Activation[], extra: readonly number[] = []): number[] {
  return [p.seq, p.batch, p.input, p.hidden, p.directions, d, p.reverse[d] ? 1 : 0, p.layout, ...extra, ...acts.map((a) => a.code)];
}

/** clip, then alpha and beta of each activation, as float32. */
export function recurrentFloatParams(p: RecurrentPlan, acts: readonly Activation[]): number[] {
  return [p.clip, ...acts.flatMap((a) => [a.alpha, a.beta])].map((v) => Math.fround(v));
}

/** One direction's activations (`count` per direction). */
export function directionActs(p: RecurrentPlan, d: number, count: number): Activation[] {
  return p.acts.slice(count * d, count * d + count);
}
