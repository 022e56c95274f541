import { tfliteQuantizationOf } from "../src/importers/tflite/index.js";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";
import { egret } from "../src/index.js";
import { calibrate, type Sample } from "../src/quantize/calibrate.js";
import { argmax, SqnrAccumulator } from "../src/quantize/metrics.js";
import { quantizeWithStats, type PtqResult } from "../src/quantize/ptq.js";
import type { CalibrationMethodName } from "../src/quantize/ranges/index.js";
import type { TensorStats } from "../src/quantize/stats.js";
import { weightRounder, WEIGHT_ROUNDINGS, type WeightRounder, type WeightRoundingName } from "../src/quantize/weight-rounding.js";

/** A float network with calibration and (disjoint) evaluation inputs. */
export interface Network {
  readonly name: string;
  readonly floatGraph: Graph;
  readonly calib: readonly Sample[];
  readonly evalSet: readonly Sample[];
}

/**
 * What every quantization of one network shares: the float program (the optimizer's extraction,
 * which the quantizer starts from), its statistics on the calibration inputs (histograms
 * included), both weight rounders, and the float program's first output on every evaluation input.
 */
export interface Prepared {
  readonly program: Graph;
  readonly stats: ReadonlyMap<string, TensorStats>;
  readonly rounders: Readonly<Record<WeightRoundingName, WeightRounder>>;
  readonly float: readonly Float64Array[];
}

export function prepare(n: Network): Prepared {
  const ops = egret.toolchain.ops;
  const program = egret.optimizeModel(n.floatGraph);
  const stats = calibrate(program, n.calib, { ops, histograms: true });
  const rounders = Object.fromEntries(WEIGHT_ROUNDINGS.map((r) => [r, weightRounder(r, program, n.calib, ops)])) as Record<WeightRoundingName, WeightRounder>;
  return { program, stats, rounders, float: n.evalSet.map((s) => egret.runGraph(program, s)[0]!.toNumbers()) };
}

/** Output SQNR (dB) against the float program over the evaluation set, and top-1 agreement. */
export interface Agreement {
  readonly sqnrDb: number;
  readonly top1: number;
}

function agreement(float: readonly Float64Array[], outputs: readonly ArrayLike<number>[]): Agreement {
  const acc = new SqnrAccumulator();
  let top1 = 0;
  outputs.forEach((o, i) => {
    acc.add(float[i]!, o);
    if (argmax(o) === argmax(float[i]!)) top1++;
  });
  return { sqnrDb: acc.db, top1: top1 / outputs.length };
}

/** Egret's int8 program with range method `method` and weight rounding `rounding`, on the evaluation set. */
export function measure(n: Network, p: Prepared, method: CalibrationMethodName, rounding: WeightRoundingName): Agreement & { readonly result: PtqResult } {
  const result = quantizeWithStats(p.program, p.stats, { ops: egret.toolchain.ops, dtype: "int8", method, perChannel: true, rounder: p.rounders[rounding] });
  return { ...agreement(p.float, n.evalSet.map((s) => egret.runGraph(result.graph, s)[0]!.toNumbers())), result };
}

/**
 * The converter's int8 model on the evaluation set: the input quantized with its own parameters
 * (TFLite's rounding, half away from zero), run through Egret's bit-exact integer path, the output
 * dequantized.
 */
export function converter(tfGraph: Graph, n: Network, p: Prepared): Agreement {
  const q = tfliteQuantizationOf(tfGraph)!;
  const inQ = q.get(tfGraph.inputs[0]!.name)!;
  const outQ = q.get(tfGraph.outputs[0]!.name)!;
  const outputs = n.evalSet.map((sample) => {
    const x = sample[0]!;
    const codes = Tensor.fromNumbers("int8", x.shape, Array.from(x.toNumbers(), (v) => {
      const r = Math.fround(v / inQ.scale[0]!);
      return Math.min(127, Math.max(-128, Math.sign(r) * Math.round(Math.abs(r)) + inQ.zeroPoint[0]!));
    }));
    return Array.from(egret.runGraph(tfGraph, [codes])[0]!.toNumbers(), (c) => outQ.scale[0]! * (c - outQ.zeroPoint[0]!));
  });
  return agreement(p.float, outputs);
}
