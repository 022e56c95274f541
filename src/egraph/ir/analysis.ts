import type { Analysis, MergeResult } from "../analysis.js";
import { canonicalAttrs, type ClassId, type ENode } from "../enode.js";
import type { EGraph } from "../egraph.js";
import { EgretError, fail } from "../../errors.js";
import type { ValueInfo } from "../../ir/graph.js";
import { tensorByteSize, type FoldLedger } from "../../limits.js";
import { getOp } from "../../ir/registry.js";
import { numel, shapeToString } from "../../ir/shape.js";
import type { Tensor } from "../../ir/tensor.js";
import { irNodeOf, leafField, LEAF_OPS, projIndex } from "./ir-node.js";
import { computeRange, type TensorTable, type ValueRange } from "./tensor-table.js";

/**
 * Per-class facts of the IR e-graph:
 * - `types`: output types (one for a value, several for a tuple class, none for `None`); all
 *   nodes of a class agree, and a union of classes whose types differ is a bug (it throws);
 * - `constant`: the value when every input is constant, the result is at most `foldLimit`
 *   elements and its bytes fit the fold budget (`ledger`, checked before evaluating); `modify`
 *   then adds a `Const` leaf to the class, so extraction can pick the folded value (BatchNorm
 *   folded into Conv weights is a rewrite plus this folding);
 * - `range`: known bounds of the elements (for guards such as `non-negative`).
 */
export interface IrData {
  readonly types: readonly ValueInfo[];
  readonly constant: Tensor | undefined;
  readonly range: ValueRange | undefined;
}

export interface IrContext {
  readonly table: TensorTable;
  readonly inputTypes: ReadonlyMap<string, ValueInfo>;
  /** Largest folded constant, in elements: bigger results stay computed at run time. */
  readonly foldLimit: number;
  /** Bytes of constants folded in this e-graph, against LIMITS.foldBytes / foldTotalBytes. */
  readonly ledger: FoldLedger;
}

/**
 * Default fold limit: 4 Mi elements, enough for BatchNorm folding into large conv weights (and
 * LIMITS.foldBytes of float32).
 */
export const DEFAULT_FOLD_LIMIT = 1 << 22;

export function typeToString(types: readonly ValueInfo[]): string {
  return types.length === 1 ? `${types[0]!.dtype}[${shapeToString(types[0]!.shape)}]` : `(${types.map((t) => `${t.dtype}[${shapeToString(t.shape)}]`).join(", ")})`;
}

export function sameTypes(a: readonly ValueInfo[], b: readonly ValueInfo[]): boolean {
  return a.length === b.length && a.every((t, i) => t.dtype === b[i]!.dtype && t.shape.length === b[i]!.shape.length && t.shape.every((d, k) => d === b[i]!.shape[k]));
}

export function irAnalysis(context: IrContext): Analysis<IrData> {
  return {
    make: (egraph, node) => makeData(egraph, node, context),
    merge: mergeData,
    modify(egraph, classId) {
      const data = egraph.data(classId);
      if (data.constant === undefined || egraph.getClass(classId).nodes.some((n) => n.op === "Const")) return;
      const digest = context.table.intern(data.constant);
      const leaf = egraph.add({ op: "Const", attrs: canonicalAttrs({ digest }), children: [] });
      egraph.union(classId, leaf);
    },
  };
}

function makeData(egraph: EGraph<IrData>, node: ENode, context: IrContext): IrData {
  switch (node.op) {
    case "None":
      return { types: [], constant: undefined, range: undefined };
    case "Input": {
      const name = leafField(node, "name");
      const type = context.inputTypes.get(name);
      if (type === undefined) throw new Error(`internal: no graph input "${name}"`);
      return { types: [type], constant: undefined, range: undefined };
    }
    case "Const": {
      const digest = leafField(node, "digest");
      const tensor = context.table.get(digest);
      return { types: [{ dtype: tensor.dtype, shape: tensor.shape }], constant: tensor, range: context.table.rangeOf(digest) };
    }
    case "Proj": {
      const tuple = egraph.data(node.children[0]!);
      const type = tuple.types[projIndex(node)];
      if (type === undefined) throw new Error(`internal: Proj ${projIndex(node)} of a ${tuple.types.length}-output node`);
      return { types: [type], constant: undefined, range: undefined };
    }
  }
  return makeOpData(egraph, node, context);
}

function makeOpData(egraph: EGraph<IrData>, node: ENode, context: IrContext): IrData {
  const op = getOp(node.op);
  if (op === undefined || LEAF_OPS.has(node.op)) fail("bad-rule", `e-node ${node.op}`, "is not a registered op");
  const children = node.children.map((child) => egraph.data(child));
  const inputs = children.map((data) => {
    if (data.types.length > 1) fail("internal", `e-node ${node.op}`, "an input is a multi-output node; take one output with Proj");
    return data.types[0];
  });
  const irNode = irNodeOf(node, context.table, inputs.map((t) => t !== undefined));
  const types = op.infer(irNode, inputs).slice(0, irNode.outputs.length);
  let constant: Tensor | undefined;
  const present = children.filter((c) => c.types.length > 0);
  const foldable = types.length === 1 && present.length > 0 && present.every((c) => c.constant !== undefined) && numel(types[0]!.shape) <= context.foldLimit;
  if (foldable && context.ledger.admit(tensorByteSize(types[0]!.dtype, types[0]!.shape))) constant = op.evaluate(irNode, children.map((c) => c.constant))[0];
  const range = constant !== undefined ? computeRange(constant) : rangeOfOp(node.op, children);
  return { types, constant, range };
}

/** Bounds that follow from the op alone (a small table; unknown ops give no range). */
function rangeOfOp(op: string, children: readonly IrData[]): ValueRange | undefined {
  const input = children[0]?.range;
  switch (op) {
    case "Relu":
      return { min: 0, max: input === undefined ? Infinity : Math.max(0, input.max) };
    case "Sigmoid":
      return { min: 0, max: 1 };
    case "Exp":
    case "Abs":
    case "Sqrt":
    case "Softmax":
      return { min: 0, max: op === "Softmax" ? 1 : Infinity };
    default:
      return undefined;
  }
}

function mergeData(a: IrData, b: IrData): MergeResult<IrData> {
  if (!sameTypes(a.types, b.types)) {
    throw new EgretError("internal", "e-graph", `merged two classes of different types: ${typeToString(a.types)} and ${typeToString(b.types)}`);
  }
  const constant = a.constant ?? b.constant;
  const range = intersect(a.range, b.range);
  const data: IrData = { types: a.types, constant, range };
  return {
    data,
    aChanged: (a.constant === undefined && constant !== undefined) || !sameRange(a.range, range),
    bChanged: (b.constant === undefined && constant !== undefined) || !sameRange(b.range, range),
  };
}

function intersect(a: ValueRange | undefined, b: ValueRange | undefined): ValueRange | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

function sameRange(a: ValueRange | undefined, b: ValueRange | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.min === b.min && a.max === b.max);
}

/** For messages: the class's type. */
export function describeClass(egraph: EGraph<IrData>, id: ClassId): string {
  return typeToString(egraph.data(id).types);
}
