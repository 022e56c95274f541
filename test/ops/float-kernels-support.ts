import { expect } from "vitest";
import { buildGraph, compile, runGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import type { DType } from "../../src/ir/dtype.js";
import { buildAndRunAsync, compareClose, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor, rng } from "../support/graphs.js";

/**
 * Cases for the blocked float kernels (rules/targets/float-kernels.rules): each runs the blocked op (its
 * weight through the packing op) and its generic twin on the same inputs, in one graph so that
 * one C build covers every case.
 */
export interface KernelCase {
  readonly label: string;
  /** Blocked op, its packing op (absent: the weight is used as is) and the generic twin. */
  readonly blocked: string;
  readonly pack?: { readonly op: string; readonly attrs?: Record<string, AttrValue> };
  readonly generic: string;
  readonly attrs: Record<string, AttrValue>;
  /** Attributes of the generic op when they differ (Gemm's transB). */
  readonly genericAttrs?: Record<string, AttrValue>;
  readonly x: Tensor;
  readonly w: Tensor;
  readonly b?: Tensor;
  /** The weight is a graph input (packed by the kernel's run-time packing) instead of a constant. */
  readonly runtimeWeight?: boolean;
}

/**
 * One graph over all cases: outputs blocked_k then generic_k, in case order; feeds in input
 * order. A packing op with a constant weight is folded by buildGraph, as the optimizer would.
 */
export function kernelCaseGraph(cases: readonly KernelCase[]): { graph: Graph; feeds: Tensor[] } {
  const constants = new Map<string, Tensor>();
  const inputs: { name: string; dtype: DType; dims: number[] }[] = [];
  const feeds: Tensor[] = [];
  const nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, AttrValue> }[] = [];
  const outputs: string[] = [];
  const input = (name: string, t: Tensor): void => {
    inputs.push({ name, dtype: t.dtype, dims: [...t.shape] });
    feeds.push(t);
  };
  cases.forEach((c, k) => {
    input(`x${k}`, c.x);
    if (c.runtimeWeight === true) input(`w${k}`, c.w);
    else constants.set(`w${k}`, c.w);
    if (c.b !== undefined) constants.set(`b${k}`, c.b);
    const bias = c.b !== undefined ? [`b${k}`] : [];
    let weight = `w${k}`;
    if (c.pack !== undefined) {
      nodes.push({ name: `pack${k}`, op: c.pack.op, inputs: [weight], outputs: [`wp${k}`], attrs: c.pack.attrs ?? {} });
      weight = `wp${k}`;
    }
    nodes.push({ name: `blocked${k}`, op: c.blocked, inputs: [`x${k}`, weight, ...bias], outputs: [`yb${k}`], attrs: c.attrs });
    nodes.push({ name: `generic${k}`, op: c.generic, inputs: [`x${k}`, `w${k}`, ...bias], outputs: [`yg${k}`], attrs: c.genericAttrs ?? c.attrs });
    outputs.push(`yb${k}`, `yg${k}`);
  });
  return { graph: buildGraph({ name: "float_kernels", opset: 17, inputs, outputs, constants, nodes }), feeds };
}

const randInt = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** Output width with the given padding: also the test's check that a case is valid. */
function outSize(input: number, kernel: number, stride: number, dilation: number, pb: number, pe: number): number {
  return Math.floor((input + pb + pe - (kernel - 1) * dilation - 1) / stride) + 1;
}

/**
 * A random 2-D convolution case for `blocked`: channel counts with tails after blocks of 4,
 * widths below, at and above the tile widths, strides, dilations, asymmetric padding, batch 2.
 */
export function convCase(blocked: "Conv2DGemm" | "Conv2DDepthwise" | "Conv2DWinograd", seed: number, runtimeWeight = false): KernelCase {
  const r = rng(seed);
  const depthwise = blocked === "Conv2DDepthwise";
  const winograd = blocked === "Conv2DWinograd";
  const c = randInt(r, 1, 9);
  const m = depthwise ? c : randInt(r, 1, 11);
  const [kh, kw] = winograd ? [3, 3] : [randInt(r, 1, 4), randInt(r, 1, 3)];
  const [sh, sw] = winograd ? [1, 1] : [randInt(r, 1, 3), randInt(r, 1, 2)];
  const [dh, dw] = winograd ? [1, 1] : [randInt(r, 1, 2), randInt(r, 1, 2)];
  const pads = [randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2)];
  let h = randInt(r, 1, 14);
  let w = randInt(r, 1, 23);
  // Grow the input until every output dimension is at least 1.
  while (outSize(h, kh, sh, dh, pads[0]!, pads[2]!) < 1) h++;
  while (outSize(w, kw, sw, dw, pads[1]!, pads[3]!) < 1) w++;
  const x = randomTensor([randInt(r, 1, 2), c, h, w], seed + 1);
  const weight = randomTensor([m, depthwise ? 1 : c, kh, kw], seed + 2);
  const activation = [undefined, "Relu", "Clip", "LeakyRelu"][randInt(r, 0, 3)];
  const attrs: Record<string, AttrValue> = { pads, strides: [sh, sw], dilations: [dh, dw], ...(depthwise ? { group: c } : {}) };
  if (activation !== undefined) attrs["activation"] = activation;
  if (activation === "Clip") Object.assign(attrs, { activation_alpha: -0.5, activation_beta: 0.75 });
  const pack = blocked === "Conv2DGemm" ? { op: "PackConv2DWeights" } : winograd ? { op: "PackWinogradWeights" } : undefined;
  return {
    label: `${blocked} #${seed} x${JSON.stringify(x.shape)} w${JSON.stringify(weight.shape)} ${JSON.stringify(attrs)}${runtimeWeight ? " run-time weight" : ""}`,
    blocked,
    ...(pack === undefined ? {} : { pack }),
    generic: "Conv",
    attrs,
    x,
    w: weight,
    ...(r() < 0.8 ? { b: randomTensor([m], seed + 3) } : {}),
    runtimeWeight,
  };
}

/** A 1x1 stride-1 unpadded Conv2DGemm case of c -> m channels on an h x w image. */
export function pointwiseCase(seed: number, c: number, m: number, h: number, w: number): KernelCase {
  return {
    label: `Conv2DGemm 1x1 #${seed} ${c}->${m} on ${h}x${w}`,
    blocked: "Conv2DGemm",
    pack: { op: "PackConv2DWeights" },
    generic: "Conv",
    attrs: {},
    x: randomTensor([1, c, h, w], seed + 1),
    w: randomTensor([m, c, 1, 1], seed + 2),
    b: randomTensor([m], seed + 3),
  };
}

/**
 * A random MatMulPacked case against MatMul or Gemm: rows 1..9 (GEMV, tiles of 4 and a rest),
 * columns around the panel width and the 4-panel row kernel (up to 41), K up to 70, transB,
 * biases [N] and [1, N], batched A.
 */
export function matmulCase(seed: number, runtimeWeight = false): KernelCase {
  const r = rng(seed);
  const rows = randInt(r, 1, 9);
  const n = [1, 7, 8, 9, 16, 33, 41][randInt(r, 0, 6)]!;
  const k = randInt(r, 1, 70);
  const gemm = r() < 0.6;
  const transB = gemm && r() < 0.5;
  const batched = !gemm && r() < 0.5;
  const x = randomTensor(batched ? [2, rows, k] : [rows, k], seed + 1);
  const w = randomTensor(transB ? [n, k] : [k, n], seed + 2);
  const b = gemm && r() < 0.8 ? randomTensor(r() < 0.5 ? [n] : [1, n], seed + 3) : undefined;
  const activation = gemm && r() < 0.5 ? { activation: "Relu" } : {};
  return {
    label: `MatMulPacked #${seed} a${JSON.stringify(x.shape)} b${JSON.stringify(w.shape)}${transB ? " transB" : ""}${b ? ` bias${JSON.stringify(b.shape)}` : ""}${runtimeWeight ? " run-time B" : ""}`,
    blocked: "MatMulPacked",
    pack: { op: "PackMatMulWeights", attrs: transB ? { trans: 1 } : {} },
    generic: gemm ? "Gemm" : "MatMul",
    attrs: activation,
    genericAttrs: gemm ? { ...activation, ...(transB ? { transB: 1 } : {}) } : {},
    x,
    w,
    ...(b === undefined ? {} : { b }),
    runtimeWeight,
  };
}

async function runCases(cases: readonly KernelCase[]): Promise<{ c: Tensor[]; ref: Tensor[] }> {
  const { graph, feeds } = kernelCaseGraph(cases);
  // No optimizer: the generic twins must stay generic for the comparison.
  const files = compile(graph, { optimize: false }).files;
  return { c: await buildAndRunAsync(files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS }), ref: runGraph(graph, feeds) };
}

/**
 * Runs every case as the blocked op and its generic twin in one host build under ASan/UBSan:
 * both agree with each other and with the evaluator (rtol 1e-4, atol 1e-5). Returns the C outputs.
 */
export async function expectAgreement(cases: readonly KernelCase[]): Promise<Tensor[]> {
  const { c, ref } = await runCases(cases);
  cases.forEach((kc, k) => {
    const blocked = c[2 * k]!;
    const generic = c[2 * k + 1]!;
    expect(blocked.shape, kc.label).toEqual(generic.shape);
    const vsGeneric = compareClose(blocked, generic);
    expect(vsGeneric.ok, `${kc.label} vs generic C: max |diff| ${vsGeneric.maxAbs} at ${vsGeneric.where}`).toBe(true);
    const vsRef = compareClose(blocked, ref[2 * k]!);
    expect(vsRef.ok, `${kc.label} vs evaluator: max |diff| ${vsRef.maxAbs} at ${vsRef.where}`).toBe(true);
  });
  // The cases compute something: most outputs differ from zero.
  const nonzero = c.filter((_, i) => i % 2 === 0).flatMap((t) => Array.from(t.toNumbers())).filter((v) => v !== 0).length;
  expect(nonzero).toBeGreaterThan(100);
  return c;
}
