import { fail } from "../../../errors.js";
import type { DType } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { broadcastShapes, numel, sameShape, shapeToString, type Shape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { emitElementwise } from "./emit-c.js";
import { evaluateElementwise } from "./evaluate.js";
import type { ScalarKernel } from "./kernel.js";
import { checkInputTypes, type TypeClass } from "./type-classes.js";
import { sameShapeInPlace } from "../same-shape-in-place.js";

/** Everything that distinguishes one elementwise op from another. */
export interface ElementwiseSpec {
  readonly name: string;
  readonly family: string;
  /** Defaults to exactly one input. */
  readonly inputs?: { readonly min: number; readonly max: number };
  /** Accepted types per input; the last entry repeats for further inputs. */
  readonly types: readonly TypeClass[];
  /**
   * Inputs from this index on may be absent (""): they are dropped before broadcasting, and the
   * kernel builder sees which ones are there through the node. Defaults to none optional.
   */
  readonly optionalFrom?: number;
  /** Inputs that must share one type; defaults to all of them. */
  readonly sameType?: readonly number[] | "all";
  /** Output type from the input types; defaults to input 0's type. */
  readonly output?: (node: Node, dtypes: readonly DType[]) => DType;
  /** Builds the scalar kernel from the node's attributes and the present inputs' types. */
  readonly kernel: (node: Node, dtypes: readonly DType[]) => ScalarKernel;
  /** Unidirectional broadcasting (PRelu): the output must have input 0's shape. */
  readonly unidirectional?: boolean;
  /** The shapes broadcasting sees, when they are not the inputs' own (legacy opset < 7 `axis`). */
  readonly alignShapes?: (node: Node, shapes: readonly Shape[]) => Shape[];
  readonly canonicalize?: (node: Node, opset: number) => Node;
  /** OpDef.forms / dataTypes, for `egret ops` and the README table. */
  readonly forms?: string;
  readonly dataTypes?: string;
}

/**
 * Builds the OpDef of an elementwise op: type checks, multidirectional broadcasting, the
 * reference evaluator and the C emitter all come from the spec's scalar kernel.
 * MACs: one per output element for every elementwise op (a uniform per-element work count, so
 * cost models see elementwise work; it is not a multiply-accumulate count).
 */
export function elementwiseOp(spec: ElementwiseSpec): OpDef {
  const sameType = spec.sameType ?? "all";
  const align = (node: Node, shapes: readonly Shape[]) => (spec.alignShapes ? spec.alignShapes(node, shapes) : [...shapes]);
  const op: OpDef = {
    name: spec.name,
    family: spec.family,
    inputs: spec.inputs ?? { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    infer(node, inputs) {
      const infos = checkInputTypes(node, inputs, spec.types, sameType, spec.optionalFrom);
      const dtypes = infos.map((i) => i.dtype);
      spec.kernel(node, dtypes);
      const shapes = align(node, infos.map((i) => i.shape));
      const shape = broadcastShapes(shapes);
      if (!shape) {
        fail("bad-shape", nodeLabel(node), `input shapes ${shapes.map(shapeToString).join(", ")} do not broadcast together (numpy rules: trailing dimensions must be equal or 1)`);
      }
      if (spec.unidirectional && !sameShape(shape, shapes[0]!)) {
        fail("bad-shape", nodeLabel(node), `input 1 (${shapeToString(shapes[1]!)}) must broadcast to input 0's shape ${shapeToString(shapes[0]!)}`);
      }
      return [{ dtype: spec.output ? spec.output(node, dtypes) : dtypes[0]!, shape }];
    },
    evaluate(node, inputs) {
      const ts = inputs.filter((t): t is Tensor => t !== undefined);
      const dtypes = ts.map((t) => t.dtype);
      const shapes = align(node, ts.map((t) => t.shape));
      const outShape = broadcastShapes(shapes)!;
      const outDtype = spec.output ? spec.output(node, dtypes) : dtypes[0]!;
      return [evaluateElementwise(spec.kernel(node, dtypes), ts, shapes, outDtype, outShape)];
    },
    emitC(node, ctx) {
      const names = node.inputs.filter((n) => n !== "");
      const dtypes = names.map((n) => ctx.info(n).dtype);
      const shapes = align(node, names.map((n) => ctx.info(n).shape));
      emitElementwise(node, ctx, spec.kernel(node, dtypes), names, shapes);
    },
    macs: (_node, _inputs, outputs: readonly ValueInfo[]) => numel(outputs[0]!.shape),
    inPlace: (_node, inputs, outputs) => sameShapeInPlace(inputs, outputs[0]!),
  };
  return {
    ...op,
    ...(spec.canonicalize ? { canonicalize: spec.canonicalize } : {}),
    ...(spec.forms ? { forms: spec.forms } : {}),
    ...(spec.dataTypes ? { dataTypes: spec.dataTypes } : {}),
  };
}
