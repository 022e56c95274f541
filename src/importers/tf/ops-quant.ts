import { fail } from "../../errors.js";
import { DTYPES } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor.js";
import { arity, constInput, type TfConverter } from "./context.js";

/**
 * Dequantize over constant quantized weights: TensorFlow 1's `quantize_weights` graph transform
 * stores weights as DT_QUINT8 (or DT_QINT8...) constants with min/max range constants feeding a
 * Dequantize node. Egret folds that at import into float32 weights, by the formulas of
 * TensorFlow's Dequantize documentation (q a quantized value of type T, min/max the range):
 *   MIN_COMBINED: min + (q [+ (range(T) + 1) / 2 when T is signed]) * (max - min) / range(T)
 *   MIN_FIRST:    min + (q - lowest(T)) * (max - min) / (2^bits - 1)
 *   SCALED:       q * (lowest(T) == 0 ? max / highest(T)
 *                                     : max(min / (lowest(T) + narrow_range), max / highest(T)))
 * with range(T) = highest(T) - lowest(T); `axis` >= 0 gives one min/max per slice along it.
 * A Dequantize of a run-time tensor (a fully quantized TensorFlow graph) is refused.
 */

type Mode = "MIN_COMBINED" | "MIN_FIRST" | "SCALED";
const MODES: readonly Mode[] = ["MIN_COMBINED", "MIN_FIRST", "SCALED"];

const dequantize: TfConverter = (cx) => {
  arity(cx, 3);
  if (!cx.ir.constantValue(cx.inputs[0]!)) {
    fail("non-constant", cx.label, "dequantizes a run-time tensor; Egret folds Dequantize of quantized constant weights (TF1 quantize_weights) only: convert fully quantized graphs to TFLite instead");
  }
  const q = constInput(cx, 0, "quantized values");
  const mins = constInput(cx, 1, "min_range").toArray();
  const maxs = constInput(cx, 2, "max_range").toArray();
  const mode = cx.attrs.string("mode", "MIN_COMBINED") as Mode;
  if (!MODES.includes(mode)) fail("bad-attribute", cx.label, `mode "${mode}" is not one of ${MODES.join(", ")}`);
  if (cx.attrs.has("dtype") && cx.attrs.dtype("dtype") !== "float32") fail("unsupported-dtype", cx.label, `dequantizes to ${cx.attrs.dtype("dtype")}; Egret folds Dequantize to float32 only`);
  const axis = cx.attrs.int("axis", -1);
  const channels = axis < 0 ? 1 : q.shape[axis];
  if (channels === undefined || mins.length !== channels || maxs.length !== channels) {
    fail("bad-shape", cx.label, `min_range and max_range hold ${mins.length} and ${maxs.length} values; ${axis < 0 ? "without axis they must be scalars" : `axis ${axis} of [${q.shape.join(",")}] needs ${channels ?? "a valid axis"}`}`);
  }
  const info = DTYPES[q.dtype];
  if (info.isFloat || q.dtype === "bool" || info.isBig) fail("unsupported-dtype", cx.label, `input is ${q.dtype}; Dequantize takes quantized integers`);
  const narrow = cx.attrs.bool("narrow_range", false);
  const inner = axis < 0 ? 1 : q.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const values = q.toNumbers();
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = axis < 0 ? 0 : Math.floor(i / inner) % channels;
    out[i] = dequantizeOne(mode, values[i]!, mins[c]!, maxs[c]!, info.min, info.max, info.bits, narrow);
  }
  return [cx.ir.constant(cx.name, Tensor.fromNumbers("float32", q.shape, out))];
};

function dequantizeOne(mode: Mode, q: number, min: number, max: number, lowest: number, highest: number, bits: number, narrow: boolean): number {
  switch (mode) {
    case "MIN_COMBINED": {
      const shifted = lowest < 0 ? q + (highest - lowest + 1) / 2 : q;
      return min + (shifted * (max - min)) / (highest - lowest);
    }
    case "MIN_FIRST":
      return min + ((q - lowest) * (max - min)) / (2 ** bits - 1);
    case "SCALED": {
      const scale = lowest === 0 ? max / highest : Math.max(min / (lowest + (narrow ? 1 : 0)), max / highest);
      return q * scale;
    }
  }
}

export const QUANT_CONVERTERS: Readonly<Record<string, TfConverter>> = { Dequantize: dequantize };
