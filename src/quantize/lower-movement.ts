import { qAttrs } from "./context.js";
import type { Lowering } from "./lowering.js";
import type { ActDType } from "./params.js";

/**
 * Ops that only move or view data (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Identity,
 * Dropout at inference) run unchanged on the integer tensor, which keeps its parameters.
 */
export const lowerMovement: Lowering = (cx, node) => {
  if (node.outputs.length > 1 && node.outputs.slice(1).some((o) => o !== "")) return "a second output (Dropout's mask) has no integer form";
  const input = node.inputs[0]!;
  // Stay in whatever dtype the input already has: a view never needs a requantization.
  const existing = cx.copiesOf(input)[0];
  const dtype: ActDType = existing?.dtype ?? cx.dtypeOf(input);
  const x = cx.quantized(input, dtype, "nat");
  const out = node.outputs[0]!;
  const op = node.op === "Dropout" ? "Identity" : node.op;
  const name = cx.emit(op, [x.name], node.attrs, `${out}:${dtype}`);
  cx.setQuantized(out, { name, dtype, layout: "nat", params: x.params });
  return undefined;
};

/** Concat: every input requantized to the output's parameters first (the copy itself is exact). */
export const lowerConcat: Lowering = (cx, node) => {
  const out = node.outputs[0]!;
  const dtype = cx.dtypeOf(out);
  const y = cx.calibrated(out, dtype);
  const parts = node.inputs.map((input) => {
    const x = cx.quantized(input, dtype, "nat");
    if (x.params.scale === y.scale && x.params.zeroPoint === y.zeroPoint) return x.name;
    return cx.emit("QRequantize", [x.name], { ...qAttrs("x", x.params), ...qAttrs("y", y), to: dtype }, `${input}:${dtype}:for_concat`);
  });
  const name = cx.emit("Concat", parts, node.attrs, `${out}:${dtype}`);
  cx.setQuantized(out, { name, dtype, layout: "nat", params: y });
  return undefined;
};
