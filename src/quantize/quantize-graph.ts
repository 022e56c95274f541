import { buildGraph } from "../ir/build.js";
import type { Graph, Node } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { QuantContext, type QTensor } from "./context.js";
import { lowerConv } from "./lower-conv.js";
import { lowerGemm, lowerMatMul } from "./lower-dense.js";
import { lowerBinary, lowerClamp, lowerFixedOutput, lowerLeakyRelu } from "./lower-elementwise.js";
import { lowerConcat, lowerMovement } from "./lower-movement.js";
import { lowerPool } from "./lower-pool.js";
import type { Lowering, LoweringOptions } from "./lowering.js";
import type { ActDType } from "./params.js";
import type { Range } from "./ranges/index.js";

/** Float op -> its integer lowering. Ops not listed stay float (reported). */
const LOWERINGS: Readonly<Record<string, Lowering>> = {
  Conv: lowerConv,
  Gemm: lowerGemm,
  MatMul: lowerMatMul,
  MaxPool: lowerPool,
  AveragePool: lowerPool,
  GlobalAveragePool: lowerPool,
  GlobalMaxPool: lowerPool,
  Add: lowerBinary("QAdd"),
  Sub: lowerBinary("QSub"),
  Mul: lowerBinary("QMul"),
  Relu: lowerClamp,
  Clip: lowerClamp,
  LeakyRelu: lowerLeakyRelu,
  Sigmoid: lowerFixedOutput("QLogistic"),
  Tanh: lowerFixedOutput("QTanh"),
  Softmax: lowerFixedOutput("QSoftmax"),
  Reshape: lowerMovement,
  Flatten: lowerMovement,
  Squeeze: lowerMovement,
  Unsqueeze: lowerMovement,
  Transpose: lowerMovement,
  Identity: lowerMovement,
  Dropout: lowerMovement,
  Concat: lowerConcat,
};

/** A node left in float, and why. */
export interface FloatFallback {
  readonly node: string;
  readonly op: string;
  readonly reason: string;
}

export interface QuantizeGraphOptions extends LoweringOptions {
  /** The ops the programs may use. */
  readonly ops: OpRegistry;
  /** Activation dtype of each float tensor (mixed precision); `int8` unless told. */
  readonly dtypeOf: (tensor: string) => ActDType;
}

export interface QuantizedGraph {
  readonly graph: Graph;
  readonly fallbacks: readonly FloatFallback[];
  /** Float tensor -> its quantized copies in the integer program (for per-layer comparison). */
  readonly copies: ReadonlyMap<string, readonly QTensor[]>;
}

/**
 * Float program -> integer program. Nodes are rewritten in order onto the quantized ops of
 * docs/quantized-ops.md; graph inputs are quantized by QQuantize and outputs dequantized by
 * QDequantize under their original names, so the C API stays float. A float op between integer
 * ones reads QDequantize'd copies and its output is QQuantize'd again where an integer op needs it.
 */
export function quantizeGraph(source: Graph, ranges: ReadonlyMap<string, Range>, options: QuantizeGraphOptions): QuantizedGraph {
  const cx = new QuantContext(source, ranges, options.dtypeOf);
  const fallbacks: FloatFallback[] = [];
  for (const node of source.nodes) {
    const lower = LOWERINGS[node.op];
    const reason = !lower ? `${node.op} has no integer kernel` : !allFloat32(source, node) ? "it computes on non-float tensors" : lower(cx, node, options);
    if (reason === undefined) continue;
    fallbacks.push({ node: node.name, op: node.op, reason });
    keepFloat(cx, node);
  }
  for (const o of source.outputs) cx.float(o.name);
  const graph = buildGraph({
    name: source.name,
    inputs: source.inputs.map((i) => ({ name: i.name, dtype: i.dtype, dims: i.shape })),
    outputs: source.outputs.map((o) => o.name),
    constants: cx.constants,
    nodes: cx.nodes,
    opset: 13,
  }, options.ops);
  const copies = new Map<string, readonly QTensor[]>();
  for (const name of source.values.keys()) {
    const list = cx.copiesOf(name).filter((q) => graph.values.has(q.name));
    if (list.length > 0) copies.set(name, list);
  }
  return { graph, fallbacks, copies };
}

/** Integer lowerings replace float32 arithmetic only: every run-time input and output must be float32. */
function allFloat32(source: Graph, node: Node): boolean {
  const runtime = node.inputs.filter((n) => n !== "" && !source.constants.has(n));
  return [...runtime, ...node.outputs.filter((o) => o !== "")].every((n) => source.values.get(n)?.dtype === "float32");
}

function keepFloat(cx: QuantContext, node: Node): void {
  const inputs = node.inputs.map((n) => (n === "" ? "" : cx.float(n)));
  cx.nodes.push({ ...node, inputs });
  for (const o of node.outputs) if (o !== "") cx.markFloat(o);
}
