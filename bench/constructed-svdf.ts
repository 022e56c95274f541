/**
 * An int16-state SVDF stack built in code (issue 15's "SVDF stack"), shaped like the SVDF keyword
 * spotters that TFLite Micro ships (keyword_scrambled, Google's SVDF KWS): a frame of 40 int8
 * features, three SVDF layers (128 units rank 1 memory 16, 128 units rank 1 memory 16, 64 units
 * rank 2 memory 8) and a fully connected classifier of 12. Each SVDF layer is TFLite's two halves
 * (QSvdfState, QSvdfOutput: src/ir/ops/quant/svdf.ts) as the importer builds them. Weights from the
 * one seeded generator; scales set from fan-in so that states and outputs spread instead of
 * saturating. The state persists across runs: the TypeScript evaluator computes the first run.
 */
import { buildGraph, Tensor, type AttrValue, type Graph } from "../src/index.js";
import { seededRandom } from "../src/util/prng.js";

type Random = () => number;

const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const ints = (r: Random, n: number, lo: number, hi: number) => Array.from({ length: n }, () => int(r, lo, hi));

interface SvdfLayer {
  readonly units: number;
  readonly rank: number;
  readonly memory: number;
}

/** Spread (standard deviation) of uniform int8 quanta, and of the int16 time weights drawn below. */
const INT8_SPREAD = 74;
const TIME_WEIGHT_RANGE = 2000;
/** Target spreads: ~3000 state quanta, ~40 output quanta. */
const STATE_SPREAD = 3000;
const OUTPUT_SPREAD = 40;

/** The stack on `features` int8 inputs, then an FC of `classes`. */
export function svdfStack(name: string, features: number, layers: readonly SvdfLayer[], classes: number, seed: number): Graph {
  const r = seededRandom(seed);
  const constants = new Map<string, Tensor>();
  const nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, AttrValue> }[] = [];
  let x = { name: "input", size: features, scale: 0.05, zeroPoint: int(r, -20, 20) };
  layers.forEach((layer, i) => {
    const filters = layer.units * layer.rank;
    const wScale = Math.fround(0.004 + 0.004 * r());
    const sScale = Math.fround((x.scale * wScale * Math.sqrt(x.size) * INT8_SPREAD * INT8_SPREAD) / STATE_SPREAD);
    const wtScale = Math.fround(0.00002 + 0.00002 * r());
    // The first run fills one memory column of each filter: the output scale counts ~2 of them.
    const yScale = Math.fround((sScale * wtScale * Math.sqrt(2 * layer.rank) * STATE_SPREAD * (TIME_WEIGHT_RANGE / 1.7)) / OUTPUT_SPREAD);
    const yZero = int(r, -10, 10);
    constants.set(`wf${i}`, Tensor.fromNumbers("int8", [filters, x.size], ints(r, filters * x.size, -127, 127)));
    constants.set(`wt${i}`, Tensor.fromNumbers("int16", [filters, layer.memory], ints(r, filters * layer.memory, -TIME_WEIGHT_RANGE, TIME_WEIGHT_RANGE)));
    constants.set(`b${i}`, Tensor.fromNumbers("int32", [layer.units], ints(r, layer.units, -20000, 20000)));
    nodes.push({
      name: `svdf${i}_state`, op: "QSvdfState", inputs: [x.name, `wf${i}`], outputs: [`s${i}`],
      attrs: { x_scale: x.scale, x_zero_point: x.zeroPoint, w_scale: [wScale], s_scale: sScale, s_zero_point: 0, memory_size: layer.memory, to: "int16", state: `svdf${i}` },
    });
    nodes.push({
      name: `svdf${i}`, op: "QSvdfOutput", inputs: [`s${i}`, `wt${i}`, `b${i}`], outputs: [`a${i}`],
      attrs: { s_scale: sScale, s_zero_point: 0, w_scale: [wtScale], y_scale: yScale, y_zero_point: yZero, rank: layer.rank },
    });
    x = { name: `a${i}`, size: layer.units, scale: yScale, zeroPoint: yZero };
  });
  const fcScale = Math.fround(0.004 + 0.004 * r());
  constants.set("wfc", Tensor.fromNumbers("int8", [classes, x.size], ints(r, classes * x.size, -127, 127)));
  constants.set("bfc", Tensor.fromNumbers("int32", [classes], ints(r, classes, -2000, 2000)));
  nodes.push({
    name: "classifier", op: "QFullyConnected", inputs: [x.name, "wfc", "bfc"], outputs: ["output"],
    attrs: {
      x_scale: x.scale, x_zero_point: x.zeroPoint, w_scale: [fcScale],
      y_scale: Math.fround((x.scale * fcScale * Math.sqrt(x.size) * 40 * 70) / 50), y_zero_point: int(r, -10, 10),
    },
  });
  return buildGraph({ name, opset: 17, inputs: [{ name: "input", dtype: "int8", dims: [1, features] }], outputs: ["output"], constants, nodes });
}

/** 40 features -> SVDF 128 (rank 1, memory 16) -> SVDF 128 (rank 1, memory 16) -> SVDF 64 (rank 2, memory 8) -> FC 12. */
export function svdfKeywordStack(): Graph {
  return svdfStack("svdf_stack", 40, [
    { units: 128, rank: 1, memory: 16 },
    { units: 128, rank: 1, memory: 16 },
    { units: 64, rank: 2, memory: 8 },
  ], 12, 15005);
}
