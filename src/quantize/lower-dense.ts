import type { Node } from "../ir/graph.js";
import { Tensor } from "../ir/tensor.js";
import { fusedClamp, outputParams } from "./activation.js";
import { permute, qAttrs } from "./context.js";
import type { Lowering, LoweringOptions } from "./lowering.js";
import { quantizeBias } from "./params.js";
import { nearestRounder } from "./weight-rounding.js";

/**
 * Gemm (A [M, K] x constant B, optional constant C) and MatMul by a constant 2-D matrix ->
 * QFullyConnected with weights [N, K]: transB, alpha and beta are folded into the constants.
 */
export const lowerGemm: Lowering = (cx, node, options) => {
  const [aName, bName, cName] = node.inputs;
  const bT = cx.source.constants.get(bName!);
  const cT = cName ? cx.source.constants.get(cName) : undefined;
  if (!bT) return "the weights are computed at run time";
  if (cName && !cT) return "the bias is computed at run time";
  if (num(node, "transA", 0) !== 0) return "transA = 1 has no integer kernel";
  const alpha = num(node, "alpha", 1);
  const beta = num(node, "beta", 1);
  const w = num(node, "transB", 0) === 1 ? bT : permute(bT, [1, 0]);
  const [n] = w.shape as [number, number];
  if (cT && cT.size !== n && cT.size !== 1) return "its C input is not one bias per output";
  const scaledW = alpha === 1 ? w : Tensor.fromNumbers("float32", w.shape, w.toNumbers().map((v) => v * alpha));
  const bias = cT ? Tensor.fromNumbers("float32", [cT.size], cT.toNumbers().map((v) => v * beta)) : undefined;
  return fullyConnected(cx, node, aName!, bName!, scaledW, bias, 0, options);
};

export const lowerMatMul: Lowering = (cx, node, options) => {
  const [aName, bName] = node.inputs;
  const bT = cx.source.constants.get(bName!);
  if (!bT || bT.shape.length !== 2) return "only a product with a constant 2-D matrix has an integer kernel";
  const rank = cx.source.values.get(aName!)!.shape.length;
  if (rank < 2) return "a 1-D left operand has no integer kernel";
  return fullyConnected(cx, node, aName!, bName!, permute(bT, [1, 0]), undefined, rank > 2 ? 1 : 0, options);
};

function fullyConnected(cx: Parameters<Lowering>[0], node: Node, xName: string, wName: string, w: Tensor, b: Tensor | undefined, keepNumDims: number, options: LoweringOptions): string | undefined {
  const dtype = cx.dtypeOf(node.outputs[0]!);
  const y = outputParams(cx, node, dtype);
  const clamp = fusedClamp(node, y, dtype);
  if ("unsupported" in clamp) return clamp.unsupported;
  const qw = (options.rounder ?? nearestRounder).round(node, w, 0, options.perChannel);
  const xq = cx.quantized(xName, dtype, "nat");
  const bias = quantizeBias(b, w.shape[0]!, xq.params.scale, qw.scales, dtype);
  const out = node.outputs[0]!;
  const wConst = cx.constant(`${wName}:${dtype}`, qw.tensor);
  const bConst = cx.constant(`${out}/bias:${bias.dtype}`, bias);
  const attrs = { keep_num_dims: keepNumDims, ...qAttrs("x", xq.params), w_scale: qw.scales, ...qAttrs("y", y), ...clamp };
  const name = cx.emit("QFullyConnected", [xq.name, wConst, bConst], attrs, `${out}:${dtype}`);
  cx.setQuantized(out, { name, dtype, layout: "nat", params: y });
  return undefined;
}

function num(node: Node, attr: string, dflt: number): number {
  const v = node.attrs[attr];
  return typeof v === "number" ? v : dflt;
}
