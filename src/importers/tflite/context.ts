import { fail, type ErrorCode } from "../../errors.js";
import { DTYPES, type DType } from "../../ir/dtype.js";
import type { Attrs } from "../../ir/graph.js";
import { Tensor } from "../../ir/tensor.js";
import { irDtype, tensorTypeName } from "./dtypes.js";
import type { Table } from "./flatbuffer.js";
import type { TfliteGraphBuilder } from "./graph-builder.js";
import type { TfliteModel, TfliteOperator, TfliteSubGraph, TfliteTensor } from "./model.js";

/** What every operator converter shares: the decoded model and the graph being built. */
export interface ImportState {
  readonly model: TfliteModel;
  readonly graph: TfliteSubGraph;
  readonly ir: TfliteGraphBuilder;
  /** IR tensor name per TFLite tensor index (reserved up front, unique). */
  readonly names: readonly string[];
  /** Tensor indices that hold a value so far: graph inputs, constants made, operator outputs. */
  readonly available: Set<number>;
  /** Decoded constants by tensor index (a constant is decoded once). */
  readonly constants: Map<number, Tensor>;
}

/** The builtin options table of one operator; absent fields (or an absent table) give the defaults. */
export class Options {
  constructor(private readonly table: Table | undefined) {}

  int(slot: number, name: string, dflt = 0): number {
    return this.table ? this.table.scalar(slot, "i32", name, dflt) : dflt;
  }

  byte(slot: number, name: string, dflt = 0): number {
    return this.table ? this.table.scalar(slot, "i8", name, dflt) : dflt;
  }

  float(slot: number, name: string, dflt = 0): number {
    return this.table ? this.table.scalar(slot, "f32", name, dflt) : dflt;
  }

  bool(slot: number, name: string, dflt = false): boolean {
    return this.table ? this.table.bool(slot, name, dflt) : dflt;
  }

  ints(slot: number, name: string): number[] {
    return this.table ? this.table.scalars(slot, "i32", name) : [];
  }
}

/** One operator being converted: access to its tensors, options and the IR builder. */
export class OpContext {
  readonly label: string;
  /** Base for the names of helper nodes: the IR name of output 0. */
  readonly outName: string;

  constructor(
    readonly state: ImportState,
    readonly op: TfliteOperator,
    /** `CONV_2D`, ... */
    readonly opName: string,
  ) {
    const out0 = op.outputs[0];
    this.outName = out0 !== undefined && out0 >= 0 && out0 < state.names.length ? state.names[out0]! : `op${op.index}`;
    this.label = `operator ${op.index} (${opName}) -> tensor "${this.outName}"`;
  }

  fail(code: ErrorCode, message: string): never {
    return fail(code, this.label, message);
  }

  get ir(): TfliteGraphBuilder {
    return this.state.ir;
  }

  /** Checks the number of inputs (absent optional inputs, index -1, count). */
  arity(min: number, max = min): void {
    const n = this.op.inputs.length;
    if (n < min || n > max) this.fail("bad-shape", `has ${n} inputs, ${this.opName} takes ${min === max ? min : `${min} to ${max}`}; the model is corrupt`);
    if (this.op.outputs.length < 1) this.fail("bad-shape", `has no output tensor; the model is corrupt`);
  }

  /** Whether input `i` is present (TFLite marks absent optional inputs with -1). */
  has(i: number): boolean {
    const t = this.op.inputs[i];
    return t !== undefined && t >= 0;
  }

  /** Input tensor `i`. */
  input(i: number): TfliteTensor {
    return this.tensorAt(this.op.inputs[i], `input ${i}`);
  }

  output(k = 0): TfliteTensor {
    return this.tensorAt(this.op.outputs[k], `output ${k}`);
  }

  private tensorAt(index: number | undefined, what: string): TfliteTensor {
    if (index === undefined || index < 0) this.fail("missing-tensor", `${what} is absent`);
    const t = this.state.graph.tensors[index];
    if (!t) this.fail("parse", `${what} is tensor index ${index}, but the subgraph has ${this.state.graph.tensors.length} tensors; the model is corrupt`);
    return t;
  }

  /** IR element type of a tensor; fails for TFLite types Egret has no counterpart for. */
  dtype(t: TfliteTensor): DType {
    const d = irDtype(t.type);
    if (!d) this.fail("unsupported-dtype", `tensor "${t.name}" has type ${tensorTypeName(t.type)}, which Egret does not support`);
    return d;
  }

  /** The IR tensor holding input `i`: a constant (decoded on first use), a graph input or an earlier output. */
  value(i: number): string {
    const t = this.input(i);
    const constant = constantOf(this.state, t, this.label);
    if (constant) {
      const name = this.state.names[t.index]!;
      if (!this.ir.hasConstant(name)) this.ir.constant(name, constant);
      return name;
    }
    if (!this.state.available.has(t.index)) {
      this.fail("missing-tensor", `input ${i} (tensor "${t.name}") is neither a constant, a graph input nor the output of an earlier operator`);
    }
    return this.state.names[t.index]!;
  }

  /** The compile-time value of input `i`; fails when it is computed at run time. */
  constant(i: number, what: string): Tensor {
    const t = this.input(i);
    const c = constantOf(this.state, t, this.label);
    if (!c) this.fail("non-constant", `input ${i} (tensor "${t.name}", the ${what}) must be a constant in the model; it is computed at run time`);
    return c;
  }

  /** Builtin options, checking the union type when the table is present. */
  options(unionType: number, tableName: string): Options {
    if (this.op.options && this.op.optionsType !== unionType) {
      this.fail("parse", `builtin_options has union type ${this.op.optionsType}, ${this.opName} needs ${tableName} (${unionType}); the model is corrupt`);
    }
    return new Options(this.op.options);
  }

  helper(op: string, inputs: readonly string[], attrs: Attrs, suffix: string): string {
    return this.ir.helper(op, inputs, attrs, `${this.outName}/${suffix}`);
  }

  /** Binds the converter's result to the operator's output tensor name. */
  finish(result: string): void {
    const out = this.output(0);
    this.ir.bind(result, this.state.names[out.index]!);
    this.state.available.add(out.index);
  }
}

/** The tensor's constant value (undefined for run-time tensors), its data size verified. */
export function constantOf(state: ImportState, t: TfliteTensor, reader: string): Tensor | undefined {
  const cached = state.constants.get(t.index);
  if (cached) return cached;
  const data = state.model.buffers[t.buffer];
  if (t.buffer !== 0 && data === undefined) {
    fail("parse", `tensor "${t.name}"`, `refers to buffer ${t.buffer}, but the model has ${state.model.buffers.length} buffers; the model is corrupt`);
  }
  if (!data || data.length === 0) return undefined;
  const dtype = irDtype(t.type);
  if (!dtype) fail("unsupported-dtype", reader, `constant tensor "${t.name}" has type ${tensorTypeName(t.type)}, which Egret does not support`);
  checkDataSize(t, data.length);
  const value = Tensor.fromBytes(dtype, t.shape, data);
  state.constants.set(t.index, value);
  return value;
}

/** Element count x element size must equal the buffer's byte size. */
export function checkDataSize(t: TfliteTensor, bytes: number): void {
  const dtype = irDtype(t.type);
  if (!dtype) return;
  if (t.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail("parse", `tensor "${t.name}"`, `constant shape [${t.shape.join(",")}] has a negative dimension`);
  }
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count * DTYPES[dtype].bytes !== bytes) {
    fail("parse", `tensor "${t.name}"`, `holds ${bytes} bytes of data, but its shape [${t.shape.join(",")}] of ${tensorTypeName(t.type)} needs ${count * DTYPES[dtype].bytes}; the model is corrupt`);
  }
}

/** An operator converter: reads the operator through the context and calls `cx.finish`. */
export type Converter = (cx: OpContext) => void;
