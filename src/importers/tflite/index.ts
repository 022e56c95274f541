import { basename, extname } from "node:path";
import { fail } from "../../errors.js";
import { buildGraph, type RawModel } from "../../ir/build.js";
import type { Graph } from "../../ir/graph.js";
import { shapeToString } from "../../ir/shape.js";
import type { ImportOptions } from "../index.js";
import { checkDataSize, constantOf, OpContext, type Converter, type ImportState } from "./context.js";
import { irDtype, tensorTypeName } from "./dtypes.js";
import { TfliteGraphBuilder } from "./graph-builder.js";
import { decodeTflite, operatorName, type TfliteModel, type TfliteSubGraph } from "./model.js";
import { CONV_CONVERTERS } from "./ops-conv.js";
import { ELEMENTWISE_CONVERTERS } from "./ops-elementwise.js";
import { SHAPE_CONVERTERS } from "./ops-shape.js";
import { RECURRENT_CONVERTERS } from "./ops-recurrent.js";
import { CORE_OP_REGISTRY } from "../../ir/ops/index.js";

export { decodeTflite, operatorName } from "./model.js";

const CONVERTERS: Readonly<Record<string, Converter>> = { ...CONV_CONVERTERS, ...ELEMENTWISE_CONVERTERS, ...SHAPE_CONVERTERS, ...RECURRENT_CONVERTERS };

/** TFLite builtin operators the importer translates. */
export const TFLITE_SUPPORTED_OPS: readonly string[] = Object.keys(CONVERTERS).sort();

/**
 * Imports subgraph 0 of a TFLite flatbuffer. Integer (int8 / int16) operators become the quantized
 * ops of docs/quantized-ops.md, float operators the IR's float ops with NHWC<->NCHW transposes at
 * layout-sensitive ops. IR tensors carry the TFLite tensor names (made unique). Unless input shapes
 * are overridden, every inferred shape is checked against the shape the file declares.
 */
export function importTflite(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Graph {
  const { raw, declared } = readTfliteWithShapes(bytes, sourceName);
  const graph = buildGraph(raw, CORE_OP_REGISTRY, options);
  if (!options.inputShapes || options.inputShapes.size === 0) checkDeclaredShapes(graph, declared);
  IMPORTED_QUANTIZATION.set(graph, readTfliteQuantization(bytes, sourceName));
  return graph;
}

/** The RawModel of subgraph 0 before graph building. */
export function readTflite(bytes: Uint8Array, sourceName: string): RawModel {
  return readTfliteWithShapes(bytes, sourceName).raw;
}

/** IR tensor name -> TFLite quantization (inputs, outputs and every other quantized tensor). */
export interface TensorQuantization {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** The quantized dimension (meaningful when there are several scales). */
  readonly axis: number;
}

/** Quantization of the graphs `importTflite` returned: the Graph type has no field for it. */
const IMPORTED_QUANTIZATION = new WeakMap<Graph, ReadonlyMap<string, TensorQuantization>>();

/** The TFLite quantization of a graph's tensors when `importTflite` made it (for `egret info`). */
export function tfliteQuantizationOf(graph: Graph): ReadonlyMap<string, TensorQuantization> | undefined {
  return IMPORTED_QUANTIZATION.get(graph);
}

/** Quantization parameters of subgraph 0's tensors, keyed by their IR names (for `egret info`). */
export function readTfliteQuantization(bytes: Uint8Array, sourceName = "model.tflite"): Map<string, TensorQuantization> {
  const model = decodeTflite(bytes, `model file ${sourceName}`);
  const graph = model.subgraphs[0]!;
  const names = uniqueNames(new TfliteGraphBuilder(), graph);
  const out = new Map<string, TensorQuantization>();
  graph.tensors.forEach((t, i) => {
    if (t.quantization) out.set(names[i]!, { scale: t.quantization.scale, zeroPoint: t.quantization.zeroPoint, axis: t.quantization.quantizedDimension });
  });
  return out;
}

/** The IR name of every tensor of subgraph 0, by TFLite tensor index (to find golden tensors). */
export function tfliteTensorNames(bytes: Uint8Array, sourceName = "model.tflite"): string[] {
  return uniqueNames(new TfliteGraphBuilder(), decodeTflite(bytes, `model file ${sourceName}`).subgraphs[0]!);
}

interface Declared {
  readonly name: string;
  readonly shape: readonly number[];
}

function uniqueNames(ir: TfliteGraphBuilder, graph: TfliteSubGraph): string[] {
  return graph.tensors.map((t) => ir.fresh(t.name));
}

function readTfliteWithShapes(bytes: Uint8Array, sourceName: string): { raw: RawModel; declared: Declared[] } {
  const subject = `model file ${sourceName}`;
  const model = decodeTflite(bytes, subject);
  const graph = model.subgraphs[0]!;
  const ir = new TfliteGraphBuilder();
  const names = uniqueNames(ir, graph);
  const state: ImportState = { model, graph, ir, names, available: new Set(), constants: new Map() };
  for (const t of graph.tensors) {
    const data = model.buffers[t.buffer];
    if (t.buffer !== 0 && data === undefined) fail("parse", `tensor "${t.name}"`, `refers to buffer ${t.buffer}, but the model has ${model.buffers.length} buffers; the model is corrupt`);
    if (data && data.length > 0) checkDataSize(t, data.length);
  }

  for (const index of graph.inputs) {
    const t = tensorAt(graph, index, subject, "subgraph input");
    if (constantOf(state, t, subject)) continue;
    const dtype = irDtype(t.type);
    if (!dtype) fail("unsupported-dtype", `input "${t.name}"`, `has type ${tensorTypeName(t.type)}, which Egret does not support`);
    ir.input({ name: names[index]!, dtype, dims: t.shape });
    state.available.add(index);
  }

  for (const op of graph.operators) convertOperator(state, model, op.index, subject);

  const outputs = graph.outputs.map((index) => {
    const t = tensorAt(graph, index, subject, "subgraph output");
    const constant = constantOf(state, t, subject);
    if (constant && !ir.hasConstant(names[index]!)) ir.constant(names[index]!, constant);
    if (!state.available.has(index) && !constant) {
      fail("missing-tensor", `graph output "${t.name}"`, "no operator, input or buffer produces it; the model is corrupt");
    }
    return names[index]!;
  });
  const declared = graph.tensors.map((t, i) => ({ name: names[i]!, shape: t.shape }));
  return { raw: ir.finish(basename(sourceName, extname(sourceName)), outputs), declared };
}

function tensorAt(graph: TfliteSubGraph, index: number, subject: string, what: string) {
  const t = graph.tensors[index];
  if (!t) fail("parse", subject, `${what} refers to tensor ${index}, but subgraph 0 has ${graph.tensors.length} tensors; the model is corrupt`);
  return t;
}

function convertOperator(state: ImportState, model: TfliteModel, index: number, subject: string): void {
  const op = state.graph.operators[index]!;
  const code = model.operatorCodes[op.opcodeIndex];
  if (!code) fail("parse", subject, `operator ${index} uses opcode_index ${op.opcodeIndex}, but the model has ${model.operatorCodes.length} operator codes; the model is corrupt`);
  for (const t of [...op.inputs, ...op.outputs]) {
    if (t >= state.graph.tensors.length || t < -1) fail("parse", subject, `operator ${index} (${operatorName(code)}) refers to tensor ${t}, but subgraph 0 has ${state.graph.tensors.length} tensors; the model is corrupt`);
  }
  const name = operatorName(code);
  const cx: OpContext = new OpContext(state, op, name);
  if (op.outputs.length !== 1 || op.outputs[0]! < 0) cx.fail("bad-shape", `has ${op.outputs.length} outputs; the importer translates single-output operators`);
  if (state.available.has(op.outputs[0]!)) cx.fail("parse", `writes tensor "${cx.outName}", which is already written by a graph input or an earlier operator; the model is corrupt`);
  const convert = CONVERTERS[name];
  if (!convert) {
    const what = name.startsWith("CUSTOM:") ? `custom operator "${name.slice(7)}"` : `TFLite builtin ${name}`;
    cx.fail("unsupported-op", `${what} is not supported (supported builtins: ${TFLITE_SUPPORTED_OPS.join(", ")})`);
  }
  convert(cx);
}

/** Every TFLite tensor that ended up in the graph must have the shape the file declares. */
function checkDeclaredShapes(graph: Graph, declared: readonly Declared[]): void {
  for (const d of declared) {
    const v = graph.values.get(d.name);
    if (!v) continue;
    if (v.shape.length !== d.shape.length || v.shape.some((x, i) => x !== d.shape[i])) {
      fail("bad-shape", `tensor "${d.name}"`, `the file declares shape [${shapeToString(d.shape)}], the imported graph computes [${shapeToString(v.shape)}]; the model is inconsistent (or the importer mistranslated the operator that writes it)`);
    }
  }
}
