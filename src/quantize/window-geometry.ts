import type { Node } from "../ir/graph.js";

/**
 * Explicit [top, left, bottom, right] pads of a 2-D window op, resolving ONNX `auto_pad`
 * (SAME_UPPER puts the odd cell at the end, SAME_LOWER at the start). `inHW` is the input's
 * spatial size, `extent` the dilated kernel size per axis. Undefined for ceil_mode or odd attributes.
 */
export function windowPads(node: Node, inHW: readonly number[], extent: readonly number[], strides: readonly number[]): number[] | undefined {
  const autoPad = node.attrs["auto_pad"];
  if (node.attrs["ceil_mode"] !== undefined && node.attrs["ceil_mode"] !== 0) return undefined;
  if (autoPad === undefined || autoPad === "NOTSET") {
    const pads = node.attrs["pads"];
    if (pads === undefined) return [0, 0, 0, 0];
    return Array.isArray(pads) && pads.length === 4 && pads.every((p) => typeof p === "number") ? [...(pads as number[])] : undefined;
  }
  if (autoPad === "VALID") return [0, 0, 0, 0];
  if (autoPad !== "SAME_UPPER" && autoPad !== "SAME_LOWER") return undefined;
  const begins: number[] = [];
  const ends: number[] = [];
  inHW.forEach((size, i) => {
    const total = Math.max(0, (Math.ceil(size / strides[i]!) - 1) * strides[i]! + extent[i]! - size);
    const small = Math.floor(total / 2);
    begins.push(autoPad === "SAME_UPPER" ? small : total - small);
    ends.push(autoPad === "SAME_UPPER" ? total - small : small);
  });
  return [...begins, ...ends];
}

/** An integer list attribute of length `n`, or `dflt` when absent. */
export function intsAttr(node: Node, attr: string, n: number, dflt: number): number[] | undefined {
  const v = node.attrs[attr];
  if (v === undefined) return new Array<number>(n).fill(dflt);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number")) return [...(v as number[])];
  return undefined;
}
