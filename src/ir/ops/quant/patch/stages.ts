import { fail } from "../../../../errors.js";
import { attrInts } from "../../../attrs.js";
import { nodeLabel, type AttrValue, type Node, type ValueInfo } from "../../../graph.js";
import type { OpDef, OpLookup } from "../../../op.js";
import type { RowWindow } from "./band-geometry.js";

/**
 * The layers a QPatchBands node runs, stored in its `stages` attribute as JSON (attributes hold
 * numbers, strings and their lists, never graphs): per layer its op, its attributes and how many
 * inputs it takes besides the previous layer's output. The node's inputs are the chain's input
 * followed by each layer's other inputs (weights, bias) in layer order.
 */
export interface StageSpec {
  readonly op: string;
  readonly attrs: Readonly<Record<string, number | string | readonly number[] | readonly string[]>>;
  /** Inputs after the first (the previous layer's output). */
  readonly extraInputs: number;
}

/** Window layers with weights [O or 1, KH, KW, I] as input 1. */
const CONV_OPS: ReadonlySet<string> = new Set(["QConv2D", "QDepthwiseConv2D", "QConv2DDsp", "QConv2D1x1Dsp", "QDepthwiseConv2D3x3Dsp", "QDepthwiseConv2DDsp", "QConv2DDspBand", "QConv2D1x1DspBand", "QDepthwiseConv2DDspBand", "QDepthwiseConv2D3x3DspBand"]);
/** Window layers with a `kernel` attribute. */
const POOL_OPS: ReadonlySet<string> = new Set(["QAveragePool2D", "QMaxPool2D"]);

/** A layer's op in the compile's registry (the offer only makes chains of ops it knows). */
export function layerOp(ops: OpLookup, node: Node): OpDef {
  const op = ops.get(node.op);
  if (op === undefined) fail("unsupported-op", nodeLabel(node), `a patch layer's op ${node.op} is not an op of this compile's targets`);
  return op;
}

/** The op a chain stages for a layer computed by `op`: its band form (`OpDef.bandOp`) when it has one. */
export function bandFormOf(ops: OpLookup, op: string): string {
  return ops.get(op)?.bandOp ?? op;
}

export function isPoolOp(op: string): boolean {
  return POOL_OPS.has(op);
}

/** Ops a patch chain may hold: integer NHWC window kernels whose taps outside the input are skipped. */
export function isPatchableOp(op: string): boolean {
  return CONV_OPS.has(op) || POOL_OPS.has(op);
}

/** The JSON form of a layer's attributes, or undefined when one is a tensor (not storable). */
export function stageAttrs(node: Node): StageSpec["attrs"] | undefined {
  const out: Record<string, number | string | readonly number[] | readonly string[]> = {};
  for (const [key, value] of Object.entries(node.attrs) as Array<[string, AttrValue]>) {
    if (typeof value === "number" || typeof value === "string" || Array.isArray(value)) out[key] = value as number | string | readonly number[] | readonly string[];
    else return undefined;
  }
  return out;
}

export function encodeStages(stages: readonly StageSpec[]): string {
  return JSON.stringify(stages.map((s) => ({ op: s.op, attrs: s.attrs, extraInputs: s.extraInputs })));
}

export function decodeStages(node: Node): StageSpec[] {
  const text = node.attrs["stages"];
  let parsed: unknown;
  try {
    parsed = typeof text === "string" ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) fail("bad-attribute", nodeLabel(node), `attribute "stages" must be a JSON list of layers ({op, attrs, extraInputs}), got ${JSON.stringify(text)}`);
  const stages = parsed as unknown[];
  return stages.map((s, i) => {
    const spec = s as Partial<StageSpec>;
    if (typeof spec.op !== "string" || !isPatchableOp(spec.op) || typeof spec.attrs !== "object" || spec.attrs === null || !Number.isInteger(spec.extraInputs)) {
      fail("bad-attribute", nodeLabel(node), `layer ${i} of attribute "stages" must be {op, attrs, extraInputs} with op one of ${[...CONV_OPS, ...POOL_OPS].join(", ")}`);
    }
    return { op: spec.op, attrs: spec.attrs, extraInputs: spec.extraInputs! };
  });
}

/**
 * The chain as IR nodes: layer i reads layer i-1's output (layer 0 the patch node's input 0) and
 * its own slice of the patch node's other inputs; the last layer writes the patch node's output.
 */
export function stageNodes(node: Node, stages: readonly StageSpec[]): Node[] {
  const wanted = 1 + stages.reduce((s, st) => s + st.extraInputs, 0);
  if (node.inputs.length !== wanted) fail("bad-attribute", nodeLabel(node), `its ${stages.length} layers take ${wanted} inputs, got ${node.inputs.length}`);
  let at = 1;
  let prev = node.inputs[0]!;
  return stages.map((s, i) => {
    const extras = node.inputs.slice(at, at + s.extraInputs);
    at += s.extraInputs;
    const out = i === stages.length - 1 ? node.outputs[0]! : `${node.name}/stage${i}`;
    const stage: Node = { name: `${node.name}/stage${i}`, op: s.op, inputs: [prev, ...extras], outputs: [out], attrs: s.attrs };
    prev = out;
    return stage;
  });
}

/** Each layer's input type (the chain's input first) and the last layer's output type. */
export function inferChain(nodes: readonly Node[], infos: ReadonlyMap<string, ValueInfo | undefined>, ops: OpLookup): ValueInfo[] {
  const types = new Map(infos);
  const chain: ValueInfo[] = [];
  for (const stage of nodes) {
    const inputs = stage.inputs.map((n) => (n === "" ? undefined : types.get(n)));
    const x = inputs[0];
    if (x === undefined || x.shape.length !== 4 || x.shape[0] !== 1) fail("bad-shape", nodeLabel(stage), `a patch layer needs an NHWC input of batch 1, got ${x === undefined ? "none" : `[${x.shape.join(",")}]`}`);
    chain.push(x);
    const [out] = layerOp(ops, stage).infer(stage, inputs);
    types.set(stage.outputs[0]!, out!);
  }
  chain.push(types.get(nodes[nodes.length - 1]!.outputs[0]!)!);
  return chain;
}

/** A layer's row geometry from its attributes, its weights' type and its input/output heights. */
export function rowWindow(stage: Node, weights: ValueInfo | undefined, inHeight: number, outHeight: number): RowWindow {
  const kernel = CONV_OPS.has(stage.op) ? weights!.shape[1]! : attrInts(stage, "kernel")[0]!;
  return {
    kernel,
    stride: attrInts(stage, "strides", [1, 1])[0]!,
    dilation: POOL_OPS.has(stage.op) ? 1 : attrInts(stage, "dilations", [1, 1])[0]!,
    padTop: attrInts(stage, "pads", [0, 0, 0, 0])[0]!,
    inHeight,
    outHeight,
  };
}
