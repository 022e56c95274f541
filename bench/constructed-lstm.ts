/**
 * Int8 LSTM layers built in code (issue 15's "SVDF and LSTM with SMLAD"): TFLite's integer 8x8_16
 * UNIDIRECTIONAL_SEQUENCE_LSTM (QLstm, src/ir/ops/quant/lstm.ts) as the TFLite importer builds it:
 * input [1, T, I] int8, 8 int8 gate matrices, 4 int32 biases, int8 output [1, T, S], int16 cell
 * state of scale 2^-11. Weights from the one seeded generator; weight scales set from fan-in so that
 * the gate pre-activations spread over about +-1.5 (Q3.12) instead of saturating the sigmoids.
 * The h and c state persists across runs: the TypeScript evaluator computes the first run.
 */
import { buildGraph, Tensor, type AttrValue, type Graph } from "../src/index.js";
import { seededRandom } from "../src/util/prng.js";

type Random = () => number;

const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const ints = (r: Random, n: number, lo: number, hi: number) => Array.from({ length: n }, () => int(r, lo, hi));

/** Spread (standard deviation) of uniform int8 quanta. */
const INT8_SPREAD = 74;
/** Target spread of a gate FC in real units (the pre-activation sums two of them). */
const GATE_SPREAD = 1.5;

export interface LstmShape {
  readonly features: number;
  readonly units: number;
  readonly steps: number;
  /** Batch rows (default 1). */
  readonly batch?: number;
  readonly timeMajor?: boolean;
  readonly cellClip?: number;
  readonly cellActivation?: "tanh" | "sigmoid";
}

/** The QLstm node's inputs (x first, then the constants) and attributes for `shape`. */
export function lstmLayer(shape: LstmShape, seed: number): { x: Tensor; constants: Tensor[]; attrs: Record<string, AttrValue> } {
  const r = seededRandom(seed);
  const { features: I, units: S, steps: T } = shape;
  const B = shape.batch ?? 1;
  const xScale = Math.fround(0.02 + 0.05 * r());
  const hScale = Math.fround(1 / 128);
  const wScale = (fanIn: number, inScale: number) => Math.fround(GATE_SPREAD / (Math.sqrt(fanIn) * inScale * INT8_SPREAD * INT8_SPREAD) * (0.7 + 0.6 * r()));
  const x = Tensor.fromNumbers("int8", shape.timeMajor ? [T, B, I] : [B, T, I], ints(r, B * T * I, -128, 127));
  const constants = [
    ...[0, 1, 2, 3].map(() => Tensor.fromNumbers("int8", [S, I], ints(r, S * I, -127, 127))),
    ...[0, 1, 2, 3].map(() => Tensor.fromNumbers("int8", [S, S], ints(r, S * S, -127, 127))),
    ...[0, 1, 2, 3].map(() => Tensor.fromNumbers("int32", [S], ints(r, S, -3000, 3000))),
  ];
  const attrs: Record<string, AttrValue> = {
    x_scale: xScale, x_zero_point: int(r, -20, 20),
    w_scale: [...[0, 1, 2, 3].map(() => wScale(I, xScale)), ...[0, 1, 2, 3].map(() => wScale(S, hScale))],
    h_scale: hScale, h_zero_point: int(r, -5, 5), c_scale: 2 ** -11, cell_clip: shape.cellClip ?? 0,
    time_major: shape.timeMajor ? 1 : 0, cell_activation: shape.cellActivation ?? "tanh", state: `lstm${seed}`,
  };
  return { x, constants, attrs };
}

/** One LSTM layer as a whole network: input "input", output "output" (every step's hidden state). */
export function lstmNetwork(name: string, shape: LstmShape, seed: number): Graph {
  const layer = lstmLayer(shape, seed);
  const names = layer.constants.map((_, k) => `lstm_${k < 4 ? "w" : k < 8 ? "r" : "b"}${k % 4}`);
  return buildGraph({
    name, opset: 17,
    inputs: [{ name: "input", dtype: "int8", dims: [...layer.x.shape] }],
    outputs: ["output"],
    constants: new Map(names.map((n, k) => [n, layer.constants[k]!])),
    nodes: [{ name: "lstm", op: "QLstm", inputs: ["input", ...names], outputs: ["output"], attrs: layer.attrs }],
  });
}

/** A keyword-spotting-sized LSTM: 25 frames of 40 features, 64 units. */
export function lstmKeywordSpotter(): Graph {
  return lstmNetwork("lstm_kws", { features: 40, units: 64, steps: 25 }, 2026);
}
