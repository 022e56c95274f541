import fc from "fast-check";
import { buildGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import { randomInts, rng } from "../ops/quant-support.js";

/**
 * Random int8 layer stacks for the in-place property test: convolutions (1x1 to 3x3, strides 1
 * and 2, padded or not), depthwise convolutions (depth multiplier 1 or 2), average and max
 * pooling, residual QAdds of the current tensor with an earlier one of the same shape, and
 * elementwise activations (QLogistic, QTanh, QLeakyRelu, QRequantize).
 */
export interface LayerSpec {
  readonly kind: "conv" | "depthwise" | "avg" | "max" | "add" | "act";
  readonly k: number;
  readonly stride: number;
  readonly pad: boolean;
  readonly channels: number;
  readonly seed: number;
}

export interface ChainSpec {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly layers: readonly LayerSpec[];
}

export const layerArb: fc.Arbitrary<LayerSpec> = fc.record({
  kind: fc.constantFrom("conv", "depthwise", "avg", "max", "add", "act"),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  pad: fc.boolean(),
  channels: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

export const chainArb: fc.Arbitrary<ChainSpec> = fc.record({
  h: fc.integer({ min: 3, max: 9 }),
  w: fc.integer({ min: 3, max: 9 }),
  c: fc.integer({ min: 1, max: 5 }),
  layers: fc.array(layerArb, { minLength: 2, maxLength: 6 }),
});

interface RawNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

/** Every chain as an independent input -> output path of one graph; the feeds in input order. */
export function chainsGraph(chains: readonly ChainSpec[]): { graph: Graph; feeds: Tensor[] } {
  const constants = new Map<string, Tensor>();
  const nodes: RawNode[] = [];
  const inputs: { name: string; dtype: "int8"; dims: number[] }[] = [];
  const outputs: string[] = [];
  const feeds: Tensor[] = [];
  chains.forEach((chain, ci) => {
    let shape = [1, chain.h, chain.w, chain.c];
    let current = `x${ci}`;
    inputs.push({ name: current, dtype: "int8", dims: shape });
    feeds.push(randomInts("int8", shape, rng(ci + 1)));
    const seen: { name: string; shape: number[] }[] = [];
    chain.layers.forEach((layer, li) => {
      const name = `c${ci}_l${li}_${layer.kind}`;
      const made = addLayer(layer, name, current, shape, constants);
      if (made === undefined) return;
      seen.push({ name: current, shape });
      if (layer.kind === "add") {
        const earlier = [...seen].reverse().find((s) => s.name !== current && s.shape.join() === shape.join() && !s.name.startsWith("x"));
        if (earlier === undefined) return;
        made.node.inputs = [earlier.name, current];
      }
      nodes.push(made.node);
      current = name;
      shape = made.shape;
    });
    outputs.push(current);
  });
  const graph = buildGraph({ name: "in_place_chains", opset: 17, inputs, outputs, constants, nodes });
  return { graph, feeds };
}

/** The node of one layer and its output shape, or undefined when its window does not fit. */
function addLayer(layer: LayerSpec, name: string, x: string, [, h, w, c]: number[], constants: Map<string, Tensor>): { node: RawNode; shape: number[] } | undefined {
  const r = rng(layer.seed);
  const p = layer.pad ? Math.floor(layer.k / 2) : 0;
  const oh = Math.floor((h! + 2 * p - layer.k) / layer.stride) + 1;
  const ow = Math.floor((w! + 2 * p - layer.k) / layer.stride) + 1;
  if (layer.kind === "add") return { node: { name, op: "QAdd", inputs: [x, x], outputs: [name], attrs: { a_scale: 0.05, a_zero_point: 3, b_scale: 0.04, b_zero_point: -2, y_scale: 0.08, y_zero_point: 1 } }, shape: [1, h!, w!, c!] };
  if (layer.kind === "act") return { node: activation(layer.seed, name, x), shape: [1, h!, w!, c!] };
  if (oh < 1 || ow < 1) return undefined;
  const geometry = { strides: [layer.stride, layer.stride], pads: [p, p, p, p] };
  if (layer.kind === "avg" || layer.kind === "max") {
    const op = layer.kind === "avg" ? "QAveragePool2D" : "QMaxPool2D";
    return { node: { name, op, inputs: [x], outputs: [name], attrs: { kernel: [layer.k, layer.k], ...geometry } }, shape: [1, oh, ow, c!] };
  }
  const depthwise = layer.kind === "depthwise";
  const mult = depthwise ? 1 + (layer.channels % 2) : 1;
  const o = depthwise ? c! * mult : layer.channels;
  const wShape = depthwise ? [1, layer.k, layer.k, o] : [o, layer.k, layer.k, c!];
  constants.set(`${name}_w`, randomInts("int8", wShape, r, -20, 20));
  constants.set(`${name}_b`, randomInts("int32", [o], r, -300, 300));
  const fanIn = layer.k * layer.k * (depthwise ? 1 : c!);
  const attrs: Record<string, AttrValue> = {
    x_scale: 0.05, x_zero_point: -3, w_scale: Array.from({ length: o }, (_, i) => 0.01 + 0.002 * i), y_scale: 0.02 * Math.sqrt(fanIn), y_zero_point: 2, ...geometry,
    ...(depthwise ? { depth_multiplier: mult } : {}),
  };
  return { node: { name, op: depthwise ? "QDepthwiseConv2D" : "QConv2D", inputs: [x, `${name}_w`, `${name}_b`], outputs: [name], attrs }, shape: [1, oh, ow, o] };
}

const ACTIVATIONS: readonly [string, Record<string, AttrValue>][] = [
  ["QLogistic", { x_scale: 0.05, x_zero_point: 3, y_scale: 1 / 256, y_zero_point: -128 }],
  ["QTanh", { x_scale: 0.03, x_zero_point: 0, y_scale: 1 / 128, y_zero_point: 0 }],
  ["QLeakyRelu", { alpha: 0.25, x_scale: 0.5, y_scale: 0.5 }],
  ["QRequantize", { x_scale: 0.01, y_scale: 0.04, y_zero_point: -10, to: "int8", act_min: -10 }],
];

function activation(seed: number, name: string, x: string): RawNode {
  const [op, attrs] = ACTIVATIONS[seed % ACTIVATIONS.length]!;
  return { name, op, inputs: [x], outputs: [name], attrs };
}
