import { fail } from "../../errors.js";
import { attrInt } from "../attrs.js";
import { dtypeFromOnnx, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel } from "../shape.js";
import { elementwiseOp } from "./elementwise/define-op.js";
import { emitElementwise } from "./elementwise/emit-c.js";
import { evaluateElementwise } from "./elementwise/evaluate.js";
import type { ScalarKernel } from "./elementwise/kernel.js";
import { checkInputTypes } from "./elementwise/type-classes.js";

/** ONNX TensorProto.DataType codes this compiler cannot represent, for the error message. */
const UNSUPPORTED_CODES: Readonly<Record<number, string>> = {
  8: "string",
  14: "complex64",
  15: "complex128",
  16: "bfloat16",
};

/** The output type of a Cast: its `to` attribute, an ONNX dtype code. */
function castTarget(node: Node): DType {
  const code = attrInt(node, "to");
  const dtype = dtypeFromOnnx(code);
  if (!dtype) {
    const name = UNSUPPORTED_CODES[code];
    fail(
      "unsupported-dtype",
      nodeLabel(node),
      name
        ? `casting to ${name} is not supported (the C code has numeric and bool types only)`
        : `attribute "to" = ${code} is not an ONNX tensor type code`,
    );
  }
  return dtype;
}

/**
 * Cast converts with the shared store rules: float -> integer truncates toward zero and
 * saturates (NaN -> 0; ONNX leaves out-of-range values undefined, C would be UB), integer ->
 * integer wraps, anything -> bool is `x != 0`, float -> float16 rounds to nearest even.
 */
const Cast = elementwiseOp({
  name: "Cast",
  family: "cast",
  types: ["any"],
  output: (node) => castTarget(node),
  kernel: (node) => {
    castTarget(node);
    return convert;
  },
});

/** The value itself: the conversion is the store into the output type. */
const convert: ScalarKernel = { id: "cast", real: ([x]) => x!, integer: ([x]) => x!, c: (_cx, [x]) => x! };

/** CastLike (opset 15): Cast to input 1's type; input 1's values are not read. */
const CastLike: OpDef = {
  name: "CastLike",
  family: "cast",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const [x, like] = checkInputTypes(node, inputs, ["any"], []) as [ValueInfo, ValueInfo];
    return [{ dtype: like.dtype, shape: x.shape }];
  },
  evaluate(_node, [x, like]) {
    return [evaluateElementwise(convert, [x!], [x!.shape], like!.dtype, x!.shape)];
  },
  emitC(node, ctx) {
    const x = node.inputs[0]!;
    emitElementwise(node, ctx, convert, [x], [ctx.info(x).shape]);
  },
  macs: (_node, _inputs, outputs) => numel(outputs[0]!.shape),
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const CAST_OPS: readonly OpDef[] = [Cast, CastLike];
