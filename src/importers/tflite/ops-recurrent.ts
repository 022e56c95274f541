import type { Attrs } from "../../ir/graph.js";
import type { Converter, OpContext } from "./context.js";
import type { TfliteTensor } from "./model.js";
import { qparams, weightScales } from "./quant.js";

/**
 * Recurrent TFLite operators with state held in variable tensors: SVDF and
 * UNIDIRECTIONAL_SEQUENCE_LSTM (integer). The SVDF state update becomes its own IR node whose output
 * carries the variable tensor's name, so the state TFLite Micro dumps after Invoke() can be compared;
 * see src/ir/ops/quant/svdf.ts and lstm.ts for the state semantics of the evaluator and of the C.
 */

const SVDF_OPTIONS = 6;
const UNIDIRECTIONAL_SEQUENCE_LSTM_OPTIONS = 71;
/** ActivationFunctionType codes the LSTM cell gate may use. */
const ACT_TANH = 4;
const ACT_SIGMOID = 6;

/** The one per-tensor scale of a weight tensor (TFLite's integer SVDF/LSTM weights). */
function tensorScale(cx: OpContext, t: TfliteTensor): number {
  const scales = weightScales(cx, t, 0);
  if (scales.length !== 1) cx.fail("bad-attribute", `weight tensor "${t.name}" has ${scales.length} scales; the integer ${cx.opName} takes one per-tensor scale`);
  return scales[0]!;
}

/** A variable (state) input: run-time, marked is_variable; returns it with its IR name. */
function variableInput(cx: OpContext, i: number, what: string): { t: TfliteTensor; name: string } {
  const t = cx.input(i);
  if (!t.isVariable) cx.fail("bad-attribute", `input ${i} (tensor "${t.name}", the ${what}) must be a variable tensor (is_variable); the model is not a TFLite ${cx.opName}`);
  if (cx.state.available.has(t.index)) cx.fail("unsupported-op", `the ${what} (tensor "${t.name}") is shared with an earlier operator; Egret gives every recurrent operator its own state`);
  return { t, name: cx.state.names[t.index]! };
}

const svdf: Converter = (cx) => {
  cx.arity(5);
  const opts = cx.options(SVDF_OPTIONS, "SVDFOptions");
  const rank = opts.int(0, "rank");
  const x = cx.input(0);
  if (cx.dtype(x) !== "int8") cx.fail("unsupported-dtype", `the input (tensor "${x.name}") is ${cx.dtype(x)}; Egret implements the integer SVDF (int8 input)`);
  const state = variableInput(cx, 4, "activation state");
  const stateType = cx.dtype(state.t);
  if (stateType !== "int8" && stateType !== "int16") cx.fail("unsupported-dtype", `the activation state (tensor "${state.t.name}") is ${stateType}; the integer SVDF keeps int16 or int8 state`);
  const weightsTime = cx.input(2);
  if (weightsTime.shape.length !== 2) cx.fail("bad-shape", `weights_time (tensor "${weightsTime.name}") must be 2-D [filters, memory], got [${weightsTime.shape}]`);
  const s = qparams(cx, state.t);
  const stateAttrs: Attrs = {
    x_scale: qparams(cx, x).scale,
    x_zero_point: qparams(cx, x).zeroPoint,
    w_scale: [tensorScale(cx, cx.input(1))],
    s_scale: s.scale,
    s_zero_point: s.zeroPoint,
    memory_size: weightsTime.shape[1]!,
    to: stateType,
    state: state.name,
  };
  cx.ir.node("QSvdfState", [cx.value(0), cx.value(1)], stateAttrs, state.name);
  cx.state.available.add(state.t.index);
  const y = cx.output();
  const outAttrs: Attrs = {
    s_scale: s.scale,
    s_zero_point: s.zeroPoint,
    w_scale: [tensorScale(cx, weightsTime)],
    y_scale: qparams(cx, y).scale,
    y_zero_point: qparams(cx, y).zeroPoint,
    rank,
  };
  cx.finish(cx.helper("QSvdfOutput", [state.name, cx.value(2), ...(cx.has(3) ? [cx.value(3)] : [])], outAttrs, "svdf"));
};

/** TFLite's LSTM input slots: the ones TFLite Micro's integer kernel rejects when present. */
const LSTM_PEEPHOLE = [9, 10, 11];
const LSTM_PROJECTION = [16, 17];
const LSTM_LAYER_NORM = [20, 21, 22, 23];

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer 8x8_16 (int8 input and hidden state, int16 cell state):
 * one QLstm node (src/ir/ops/quant/lstm.ts) over the 8 weights and 4 biases; the states (inputs 18
 * and 19) are the op's own, starting from TFLite's reset values.
 */
const unidirectionalSequenceLstm: Converter = (cx) => {
  cx.arity(24);
  const opts = cx.options(UNIDIRECTIONAL_SEQUENCE_LSTM_OPTIONS, "UnidirectionalSequenceLSTMOptions");
  const activation = opts.byte(0, "fused_activation_function");
  const x = cx.input(0);
  if (cx.dtype(x) !== "int8") cx.fail("unsupported-dtype", `the input (tensor "${x.name}") is ${cx.dtype(x)}; Egret implements the integer LSTM (int8 input, int16 cell state)`);
  for (const [slots, what] of [[LSTM_PEEPHOLE, "peephole weights"], [LSTM_PROJECTION, "projection"], [LSTM_LAYER_NORM, "layer normalization"]] as const) {
    if (slots.some((i) => cx.has(i))) cx.fail("unsupported-op", `uses ${what} (inputs ${slots.join(", ")}), which TFLite Micro's integer LSTM does not support`);
  }
  if (!cx.has(1)) cx.fail("unsupported-op", "has no input-to-input weights (a CIFG LSTM), which TFLite Micro's integer LSTM does not support");
  if (activation !== ACT_TANH && activation !== ACT_SIGMOID) cx.fail("bad-attribute", `the cell gate activation must be TANH or SIGMOID, got activation code ${activation}`);
  const hidden = variableInput(cx, 18, "output (hidden) state");
  const cell = variableInput(cx, 19, "cell state");
  if (cx.dtype(hidden.t) !== "int8" || cx.dtype(cell.t) !== "int16") {
    cx.fail("unsupported-dtype", `the hidden state must be int8 and the cell state int16 (TFLite's 8x8_16 LSTM), got ${cx.dtype(hidden.t)} and ${cx.dtype(cell.t)}`);
  }
  const xq = qparams(cx, x);
  const hq = qparams(cx, hidden.t);
  const attrs: Attrs = {
    x_scale: xq.scale,
    x_zero_point: xq.zeroPoint,
    w_scale: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => tensorScale(cx, cx.input(i))),
    h_scale: hq.scale,
    h_zero_point: hq.zeroPoint,
    c_scale: qparams(cx, cell.t).scale,
    cell_clip: opts.float(1, "cell_clip"),
    time_major: opts.bool(3, "time_major") ? 1 : 0,
    cell_activation: activation === ACT_TANH ? "tanh" : "sigmoid",
    state: hidden.name,
  };
  const inputs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15].map((i) => cx.value(i));
  cx.finish(cx.helper("QLstm", inputs, attrs, "qlstm"));
};

export const RECURRENT_CONVERTERS: Readonly<Record<string, Converter>> = {
  SVDF: svdf,
  UNIDIRECTIONAL_SEQUENCE_LSTM: unidirectionalSequenceLstm,
};
