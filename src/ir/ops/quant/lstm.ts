import { fail } from "../../../errors.js";
import { attrFloat, attrFloats, attrInt, attrString, checkOneOf } from "../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { EmitCtx } from "../../emit-ctx.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt, f32, mbqm, quantizeMultiplier } from "./fixed-point.js";
import { SIGMOID_TABLE_U16, sigmoid16, tanh16 } from "./lut16.js";
import { readQParams, requireQ } from "./qparams.js";
import { persistentState } from "./state.js";

/**
 * QLstm: TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM, integer 8x8_16 (int8 input, hidden state and
 * output; int8 weights; int32 biases; int16 cell state), as TFLite Micro's lstm_eval.h computes it
 * (no peephole, projection or layer norm). Per time step and gate g in (input, forget, cell, output):
 *   pre_g = sat16(FC(x; W_g, b_g) + FC(h; R_g))   both FCs rescaled to Q3.12 (scale 2^-12), clamped
 *   forget, input, output gates: sigmoid16(pre);  cell gate: tanh16(pre) (or sigmoid16)
 *   c = sat16(mul(forget, c) + mul(input, cell gate)), clipped to +-cell_clip when cell_clip > 0
 *   h = clamp8(mul(tanh16(c), output gate) + h_zp);  y[t] = h
 * with every mul a MultiplyByQuantizedMultiplier of the int32 product. The output gate is computed
 * after the cell update from the old h, as TFLite Micro does.
 *
 * Inputs (TFLite's order without the absent optional ones): x, input weights W_i, W_f, W_c, W_o
 * [S, I], recurrent weights R_i, R_f, R_c, R_o [S, S], biases b_i, b_f, b_c, b_o [S].
 * Attributes: x_scale/x_zero_point, w_scale (8 per-tensor scales, W then R), h_scale/h_zero_point
 * (hidden state = output), c_scale (cell state, a power of two), cell_clip, time_major,
 * cell_activation ("tanh" or "sigmoid"), state (identifies the persistent C buffers).
 *
 * State: like QSvdfState (svdf.ts), the evaluator starts from TFLite's reset state (h = h_zp,
 * c = 0) every evaluation; the generated C keeps h and c in file-scope buffers across runs.
 */

const GATES = 4;
/** Q3.12: TFLite Micro's fixed scale of the gate pre-activations. */
const GATE_INPUT_SCALE = 2 ** -12;
/** Q0.15: the scale of sigmoid/tanh outputs. */
const GATE_OUTPUT_SCALE = 2 ** -15;

interface Multiplier {
  readonly multiplier: number;
  readonly shift: number;
}

export interface LstmPlan {
  readonly batch: number;
  readonly time: number;
  readonly inputs: number;
  readonly units: number;
  readonly timeMajor: boolean;
  readonly xZeroPoint: number;
  readonly hZeroPoint: number;
  /** Gate order i, f, c, o: the input FC and the recurrent FC rescale to Q3.12. */
  readonly inputFc: readonly Multiplier[];
  readonly recurrentFc: readonly Multiplier[];
  readonly forgetMul: Multiplier;
  readonly inputMul: Multiplier;
  readonly outputMul: Multiplier;
  readonly cellTanh: boolean;
  /** tanh of the cell state: TFLite's (input_multiplier, input_left_shift). */
  readonly cellTanhMultiplier: number;
  readonly cellTanhShift: number;
  readonly cellClip: number;
  readonly stateId: string;
}

function weight(node: Node, info: ValueInfo | undefined, rows: number, cols: number, what: string): void {
  if (!info || info.dtype !== "int8" || info.shape.length !== 2 || info.shape[0] !== rows || info.shape[1] !== cols) {
    fail("bad-shape", nodeLabel(node), `the ${what} must be int8 [${rows},${cols}], got ${info ? `${info.dtype}[${info.shape.join(",")}]` : "nothing"}`);
  }
}

function planLstm(node: Node, inputs: readonly (ValueInfo | undefined)[]): LstmPlan {
  requireQ(node, inputs[0], "input", ["int8"]);
  const x = inputs[0]!;
  if (x.shape.length !== 3) fail("bad-shape", nodeLabel(node), `the input must be 3-D ([batch, time, features] or time-major), got [${x.shape.join(",")}]`);
  const timeMajor = checkOneOf(node, "time_major", attrInt(node, "time_major", 0), [0, 1]) === 1;
  const [d0, d1, features] = x.shape as [number, number, number];
  const batch = timeMajor ? d1 : d0;
  const time = timeMajor ? d0 : d1;
  const units = inputs[1]?.shape[0] ?? 0;
  const names = ["input", "forget", "cell", "output"];
  names.forEach((g, k) => weight(node, inputs[1 + k], units, features, `input-to-${g} weights`));
  names.forEach((g, k) => weight(node, inputs[5 + k], units, units, `recurrent-to-${g} weights`));
  names.forEach((g, k) => {
    const b = inputs[9 + k];
    if (!b || b.dtype !== "int32" || b.shape.reduce((a, v) => a * v, 1) !== units) {
      fail("bad-shape", nodeLabel(node), `the ${g} gate bias must be int32 with ${units} elements, got ${b ? `${b.dtype}[${b.shape.join(",")}]` : "nothing"}`);
    }
  });
  const xq = readQParams(node, "x", "int8");
  const hq = readQParams(node, "h", "int8");
  const cScale = f32(attrFloat(node, "c_scale"));
  const cellPower = Math.round(Math.log2(cScale));
  if (!(cScale > 0) || Math.abs(Math.log2(cScale) - cellPower) > 1e-3) {
    fail("bad-attribute", nodeLabel(node), `attribute "c_scale" must be a power of two (TFLite's integer LSTM cell state), got ${cScale}`);
  }
  const w = attrFloats(node, "w_scale").map(f32);
  if (w.length !== 2 * GATES || w.some((s) => !(s > 0))) fail("bad-attribute", nodeLabel(node), `attribute "w_scale" needs 8 positive scales (input then recurrent weights, gates i, f, c, o), got ${w.length}`);
  const cellActivation = attrString(node, "cell_activation", "tanh");
  if (cellActivation !== "tanh" && cellActivation !== "sigmoid") fail("bad-attribute", nodeLabel(node), `attribute "cell_activation" must be "tanh" or "sigmoid", got "${cellActivation}"`);
  const cellClip = f32(attrFloat(node, "cell_clip", 0));
  if (!(cellClip >= 0)) fail("bad-attribute", nodeLabel(node), `attribute "cell_clip" must be >= 0 (0: no clipping), got ${cellClip}`);
  // TFLite's tanh of the cell state: left shift 15 + log2(c_scale) - 3; a negative one becomes a
  // rounding right shift with multiplier 3.
  const left = 15 + cellPower - 3;
  // GetQuantizedConvolutionMultipler: the float32 product of the scales, promoted, over 2^-12.
  const fc = (inScale: number, wScale: number) => quantizeMultiplier(f32(inScale * wScale) / GATE_INPUT_SCALE);
  return {
    batch, time, inputs: features, units, timeMajor, xZeroPoint: xq.zeroPoint, hZeroPoint: hq.zeroPoint,
    inputFc: w.slice(0, GATES).map((s) => fc(xq.scale, s)),
    recurrentFc: w.slice(GATES).map((s) => fc(hq.scale, s)),
    forgetMul: quantizeMultiplier((GATE_OUTPUT_SCALE * cScale) / cScale),
    inputMul: quantizeMultiplier((GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE) / cScale),
    outputMul: quantizeMultiplier((GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE) / hq.scale),
    cellTanh: cellActivation === "tanh",
    cellTanhMultiplier: left < 0 ? 3 : 0,
    cellTanhShift: Math.abs(left),
    cellClip: cellClip > 0 ? Math.trunc(Math.min(Math.max(cellClip / cScale, -32768), 32767)) : 0,
    stateId: attrString(node, "state", ""),
  };
}

const sat16 = (v: number) => clampInt(v, -32768, 32767);

/** FC of one row to Q3.12 int16: clamp16(requant(sum w * (v - zp) + bias)). */
function fcRow(w: Int8Array, rows: number, cols: number, v: ArrayLike<number>, vOffset: number, zp: number, bias: Int32Array | undefined, m: Multiplier, out: Int16Array): void {
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let k = 0; k < cols; k++) acc = (acc + w[r * cols + k]! * (v[vOffset + k]! - zp)) | 0;
    if (bias) acc = (acc + bias[r]!) | 0;
    out[r] = sat16(mbqm(acc, m.multiplier, m.shift));
  }
}

/** Runs the sequence on (h, c) in place, writing y. Weights: W i,f,c,o then R i,f,c,o; biases i,f,c,o. */
function runLstm(p: LstmPlan, x: Int8Array, weights: readonly Int8Array[], biases: readonly Int32Array[], h: Int8Array, c: Int16Array, y: Int8Array): void {
  const S = p.units;
  const gates = Array.from({ length: GATES }, () => new Int16Array(S));
  const recurrent = new Int16Array(S);
  for (let b = 0; b < p.batch; b++) {
    for (let t = 0; t < p.time; t++) {
      const row = p.timeMajor ? t * p.batch + b : b * p.time + t;
      for (let g = 0; g < GATES; g++) {
        fcRow(weights[g]!, S, p.inputs, x, row * p.inputs, p.xZeroPoint, biases[g], p.inputFc[g]!, gates[g]!);
        fcRow(weights[GATES + g]!, S, S, h, b * S, p.hZeroPoint, undefined, p.recurrentFc[g]!, recurrent);
        const out = gates[g]!;
        for (let s = 0; s < S; s++) {
          const pre = sat16(out[s]! + recurrent[s]!);
          out[s] = g === 2 && p.cellTanh ? tanh16(pre, 0, 0) : sigmoid16(pre, 0, 0);
        }
      }
      const [ig, fg, cg, og] = gates as [Int16Array, Int16Array, Int16Array, Int16Array];
      for (let s = 0; s < S; s++) {
        const kept = sat16(mbqm(fg[s]! * c[b * S + s]!, p.forgetMul.multiplier, p.forgetMul.shift));
        const added = sat16(mbqm(ig[s]! * cg[s]!, p.inputMul.multiplier, p.inputMul.shift));
        let cell = sat16(kept + added);
        if (p.cellClip > 0) cell = clampInt(cell, -p.cellClip, p.cellClip);
        c[b * S + s] = cell;
        const squashed = tanh16(cell, p.cellTanhMultiplier, p.cellTanhShift);
        const hidden = clampInt((mbqm(squashed * og[s]!, p.outputMul.multiplier, p.outputMul.shift) + p.hZeroPoint) | 0, -128, 127);
        h[b * S + s] = hidden;
        y[row * S + s] = hidden;
      }
    }
  }
}

function multiplierParams(p: LstmPlan): number[] {
  const all = [...p.inputFc, ...p.recurrentFc, p.forgetMul, p.inputMul, p.outputMul];
  return all.flatMap((m) => [m.multiplier, m.shift]);
}

/**
 * The operands every QLstm kernel takes (eg_qlstm_i8 and its DSP twin): the persistent h and c
 * buffers (named by the state attribute, so a kernel variant keeps the same state), the parameter
 * array and the sigmoid table. Declares the qfixed_i8 unit. (Inputs are the caller's: ctx.ptr marks a
 * tensor used, and the DSP kernel reads packed copies of the weights instead.)
 */
export function emitLstmOperands(node: Node, ctx: EmitCtx): { p: LstmPlan; hidden: string; cell: string; params: string; lut: string } {
  const p = planLstm(node, node.inputs.map((t) => ctx.info(t)));
  ctx.useRuntime("qfixed_i8");
  const id = p.stateId || node.name;
  const hidden = persistentState(ctx, `lstm_h_${id}`, "int8_t", p.batch * p.units, p.hZeroPoint, 1);
  const cell = persistentState(ctx, `lstm_c_${id}`, "int16_t", p.batch * p.units, 0, 2);
  const params = ctx.constArray("int32_t", [
    p.batch, p.time, p.inputs, p.units, p.timeMajor ? 1 : 0, p.xZeroPoint, p.hZeroPoint,
    p.cellTanh ? 1 : 0, p.cellTanhMultiplier, p.cellTanhShift, p.cellClip, ...multiplierParams(p),
  ]);
  const lut = ctx.constArray("int32_t", SIGMOID_TABLE_U16);
  return { p, hidden, cell, params, lut };
}

export const QLstm: OpDef = {
  name: "QLstm",
  family: "quant",
  dataTypes: "int8 activations, int16 cell",
  inputs: { min: 13, max: 13 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = planLstm(node, inputs);
    return [{ dtype: "int8", shape: [...inputs[0]!.shape.slice(0, 2), p.units] }];
  },
  evaluate(node, inputs) {
    const p = planLstm(node, inputs);
    const x = inputs[0]!;
    const h = new Int8Array(p.batch * p.units).fill(p.hZeroPoint);
    const c = new Int16Array(p.batch * p.units);
    const y = new Int8Array(p.batch * p.time * p.units);
    const weights = inputs.slice(1, 9).map((t) => t!.data as Int8Array);
    const biases = inputs.slice(9, 13).map((t) => t!.data as Int32Array);
    runLstm(p, x.data as Int8Array, weights, biases, h, c, y);
    return [Tensor.fromNumbers("int8", [...x.shape.slice(0, 2), p.units], y)];
  },
  emitC(node, ctx) {
    const { hidden, cell, params, lut } = emitLstmOperands(node, ctx);
    ctx.useRuntime("qlstm_i8");
    const ptrs = node.inputs.map((t) => ctx.ptr(t));
    ctx.line(
      `{ const int8_t *const w[8] = { ${ptrs.slice(1, 9).join(", ")} }; const int32_t *const b[4] = { ${ptrs.slice(9, 13).join(", ")} }; ` +
        `eg_qlstm_i8(${ptrs[0]}, w, b, ${ctx.ptr(node.outputs[0]!)}, ${hidden}, ${cell}, (int16_t *)${ctx.scratch()}, ${params}, ${lut}); }`,
    );
  },
  scratchBytes(node, inputs) {
    const p = planLstm(node, inputs);
    return (GATES + 1) * p.units * 2;
  },
  macs(node, inputs) {
    const p = planLstm(node, inputs);
    return p.batch * p.time * GATES * p.units * (p.inputs + p.units);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_LSTM_OPS: readonly OpDef[] = [QLstm];
