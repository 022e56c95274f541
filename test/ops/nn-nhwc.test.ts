import { describe, expect, it } from "vitest";
import { buildGraph, EgretError, runGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import { NCHW_TO_NHWC, NHWC_TO_NCHW, permuteShape, permuteValues } from "../../src/ir/ops/window.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { interpret } from "./nn-support.js";

/**
 * The `layout: "NHWC"` variants of Conv, MaxPool and AveragePool. Each case is computed twice in
 * one graph: the NCHW op between Transpose(NHWC->NCHW) and Transpose(NCHW->NHWC), and the NHWC op
 * directly on the NHWC input (Conv weights permuted OIHW -> OHWI). The interpreter must give the
 * same values for both; the generated C (one build for all cases, under the sanitizers) must match
 * the interpreter on every output.
 */

const SANITIZE = SANITIZE_CFLAGS;

type Attrs = Record<string, AttrValue>;

interface LayoutCase {
  readonly title: string;
  readonly op: "Conv" | "MaxPool" | "AveragePool";
  /** NHWC input shape. */
  readonly x: readonly number[];
  /** OIHW weight shape (Conv only). */
  readonly w?: readonly number[];
  readonly bias?: boolean;
  readonly attrs: Attrs;
  readonly dtype?: "float32" | "int32";
}

const CONV_CASES: readonly LayoutCase[] = [
  { title: "bias, asymmetric pads, strides", op: "Conv", x: [2, 9, 8, 3], w: [4, 3, 3, 3], bias: true, attrs: { pads: [1, 0, 2, 1], strides: [2, 1] } },
  { title: "groups and dilations", op: "Conv", x: [1, 10, 9, 4], w: [6, 2, 3, 2], bias: true, attrs: { group: 2, dilations: [2, 3], pads: [1, 1, 1, 1] } },
  { title: "depthwise, SAME_UPPER, stride 2, fused Relu", op: "Conv", x: [1, 7, 6, 5], w: [5, 1, 3, 3], bias: true, attrs: { group: 5, auto_pad: "SAME_UPPER", strides: [2, 2], activation: "Relu" } },
  { title: "depthwise with multiplier 2, fused Clip", op: "Conv", x: [1, 6, 5, 3], w: [6, 1, 3, 3], bias: true, attrs: { group: 3, pads: [1, 1, 1, 1], activation: "Clip", activation_alpha: -0.25, activation_beta: 0.5 } },
  { title: "one input channel, fused HardSwish", op: "Conv", x: [1, 6, 7, 1], w: [4, 1, 3, 2], bias: true, attrs: { pads: [0, 1, 1, 0], activation: "HardSwish" } },
  { title: "no bias, VALID, 1x1, fused LeakyRelu", op: "Conv", x: [2, 4, 3, 6], w: [5, 6, 1, 1], attrs: { auto_pad: "VALID", activation: "LeakyRelu", activation_alpha: 0.2 } },
  { title: "SAME_LOWER, strides and dilations, fused Sigmoid", op: "Conv", x: [1, 8, 7, 2], w: [3, 2, 2, 3], bias: true, attrs: { auto_pad: "SAME_LOWER", strides: [2, 3], dilations: [1, 2], activation: "Sigmoid" } },
];

const POOL_CASES: readonly LayoutCase[] = [
  { title: "MaxPool 3x3 stride 2 with pads", op: "MaxPool", x: [2, 7, 6, 3], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
  { title: "MaxPool ceil_mode and dilations", op: "MaxPool", x: [1, 9, 8, 4], attrs: { kernel_shape: [2, 2], strides: [2, 3], dilations: [2, 1], ceil_mode: 1 } },
  { title: "MaxPool on int32 (generic C)", op: "MaxPool", x: [1, 5, 6, 3], attrs: { kernel_shape: [2, 3], strides: [1, 2], pads: [1, 0, 0, 1] }, dtype: "int32" },
  { title: "AveragePool counting pads", op: "AveragePool", x: [1, 6, 6, 5], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 } },
  { title: "AveragePool excluding pads, ceil_mode", op: "AveragePool", x: [2, 7, 5, 2], attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1], ceil_mode: 1 } },
  { title: "AveragePool SAME_UPPER", op: "AveragePool", x: [1, 5, 7, 4], attrs: { kernel_shape: [2, 3], strides: [2, 2], auto_pad: "SAME_UPPER" } },
];

function inputTensor(c: LayoutCase, seed: number): Tensor {
  const t = randomTensor(c.x, seed);
  return c.dtype === "int32" ? Tensor.fromNumbers("int32", c.x, Array.from(t.toNumbers(), (v) => Math.round(v * 50))) : t;
}

function ohwi(w: Tensor): Tensor {
  return Tensor.fromNumbers("float32", permuteShape(w.shape, NCHW_TO_NHWC), permuteValues(w.toNumbers(), w.shape, NCHW_TO_NHWC));
}

/** Both layouts of every case in one graph: outputs ref<i> (through transposes) and nhwc<i>. */
function layoutGraph(cases: readonly LayoutCase[]): { graph: Graph; feeds: Tensor[] } {
  const constants = new Map<string, Tensor>();
  const nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Attrs }[] = [];
  const feeds: Tensor[] = [];
  const outputs: string[] = [];
  cases.forEach((c, i) => {
    feeds.push(inputTensor(c, 100 + i));
    const params: string[] = [];
    if (c.w) {
      const w = randomTensor(c.w, 200 + i);
      constants.set(`w${i}`, w);
      constants.set(`wt${i}`, ohwi(w));
      if (c.bias) constants.set(`b${i}`, randomTensor([c.w[0]!], 300 + i));
      params.push(`w${i}`, ...(c.bias ? [`b${i}`] : []));
    }
    const nhwcParams = params.map((p) => (p.startsWith("w") ? `wt${i}` : p));
    nodes.push({ name: `to_nchw${i}`, op: "Transpose", inputs: [`x${i}`], outputs: [`a${i}`], attrs: { perm: [...NHWC_TO_NCHW] } });
    nodes.push({ name: `nchw${i}`, op: c.op, inputs: [`a${i}`, ...params], outputs: [`c${i}`], attrs: c.attrs });
    nodes.push({ name: `to_nhwc${i}`, op: "Transpose", inputs: [`c${i}`], outputs: [`ref${i}`], attrs: { perm: [...NCHW_TO_NHWC] } });
    nodes.push({ name: `nhwc${i}`, op: c.op, inputs: [`x${i}`, ...nhwcParams], outputs: [`nhwc${i}`], attrs: { ...c.attrs, layout: "NHWC" } });
    outputs.push(`ref${i}`, `nhwc${i}`);
  });
  const graph = buildGraph({
    name: "nhwc_layouts",
    opset: 17,
    inputs: cases.map((c, i) => ({ name: `x${i}`, dtype: c.dtype ?? "float32", dims: [...c.x] })),
    outputs,
    constants,
    nodes,
  });
  return { graph, feeds };
}

function expectClose(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const cmp = compareClose(actual, expected);
  expect(cmp.ok, `${what}: max |diff| ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
}

describe("NHWC Conv, MaxPool and AveragePool", () => {
  const cases = [...CONV_CASES, ...POOL_CASES];
  const { graph, feeds } = layoutGraph(cases);
  const reference = runGraph(graph, feeds);

  cases.forEach((c, i) => {
    it(`interpreter: NHWC equals NCHW through transposes (${c.op}: ${c.title})`, () => {
      const [viaNchw, nhwc] = [reference[2 * i]!, reference[2 * i + 1]!];
      expect(nhwc.dtype).toBe(c.dtype ?? "float32");
      expectClose(nhwc, viaNchw, c.title);
      // Pooling visits the same taps in the same order in both layouts: the values are identical.
      if (c.op !== "Conv") expect(Array.from(nhwc.toNumbers())).toEqual(Array.from(viaNchw.toNumbers()));
    });
  });

  it("generated C matches the interpreter on every case in both layouts, under the sanitizers", () => {
    const got = compileAndRun(graph, feeds, { cflags: SANITIZE });
    expect(got).toHaveLength(reference.length);
    got.forEach((t, k) => expectClose(t, reference[k]!, `${graph.outputs[k]!.name} (${cases[k >> 1]!.title})`));
  });

  it("a known value: a 2x2 NHWC image with 2 channels, 1x1 conv swapping and summing channels", () => {
    const x = Tensor.fromNumbers("float32", [1, 2, 2, 2], [1, 10, 2, 20, 3, 30, 4, 40]);
    const w = Tensor.fromNumbers("float32", [2, 1, 1, 2], [0, 1, 1, 1]);
    const [y] = interpret("Conv", [{ value: x }, { value: w, constant: true }], { layout: "NHWC" });
    expect(y!.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(y!.toNumbers())).toEqual([10, 11, 20, 22, 30, 33, 40, 44]);
  });

  it("rejects an NHWC window op whose input is not rank 4, naming the node", () => {
    const x = randomTensor([1, 5, 3], 1);
    expect(() => interpret("MaxPool", [{ value: x }], { kernel_shape: [2], layout: "NHWC" })).toThrow(/node "maxpool_0" \(MaxPool\).*\[N, H, W, C\] \(rank 4\)/);
    expect(() => interpret("Conv", [{ value: x }, { value: randomTensor([2, 3, 1], 2), constant: true }], { layout: "NHWC" })).toThrow(EgretError);
  });

  it("rejects an OHWI weight whose input channels do not match", () => {
    const x = randomTensor([1, 5, 5, 4], 1);
    expect(() => interpret("Conv", [{ value: x }, { value: randomTensor([2, 3, 3, 3], 2), constant: true }], { layout: "NHWC" })).toThrow(/expected input channels \/ group = 4/);
  });

  it("rejects NHWC MaxPool's Indices output and unknown layouts", () => {
    const x = randomTensor([1, 4, 4, 2], 1);
    expect(() => interpret("MaxPool", [{ value: x }], { kernel_shape: [2, 2], layout: "NHWC" }, 2)).toThrow(/no Indices output/);
    expect(() => interpret("AveragePool", [{ value: x }], { kernel_shape: [2, 2], layout: "NWHC" })).toThrow(/layout/);
  });
});
