import { fail } from "../../errors.js";
import { attrInt, attrString } from "../attrs.js";
import { DTYPES, dtypeFromOnnx, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import { decodeE8M0, encodeE8M0, type E8M0Rounding } from "../minifloat.js";
import type { OpDef } from "../op.js";
import { numel } from "../shape.js";
import { elementwiseOp } from "./elementwise/define-op.js";
import { emitElementwise } from "./elementwise/emit-c.js";
import { evaluateElementwise } from "./elementwise/evaluate.js";
import { paramId, type ScalarKernel } from "./elementwise/kernel.js";
import { checkInputTypes } from "./elementwise/type-classes.js";

/** ONNX TensorProto.DataType codes this compiler cannot represent, for the error message. */
const UNSUPPORTED_CODES: Readonly<Record<number, string>> = {
  8: "string",
  14: "complex64",
  15: "complex128",
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

/** The value itself: the conversion is the store into the output type. */
const convert: ScalarKernel = { id: "cast", real: ([x]) => x!, integer: ([x]) => x!, c: (_cx, [x]) => x! };

const FLOAT8: ReadonlySet<DType> = new Set(["float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz"]);
const E8M0_MODES: readonly E8M0Rounding[] = ["up", "down", "nearest"];

/**
 * The scalar kernel of a Cast (or CastLike) to `target`. The store into the output type does the
 * conversion (floats round to nearest even, float -> integer truncates toward zero and
 * saturates, NaN -> 0, except that the sub-byte integers wrap like ONNX's reference; integer ->
 * integer wraps; anything -> bool is `x != 0`); the kernel adds what the opset 19/25 attributes ask:
 *  - `saturate` (default 1) to a float8 format: clamp to its largest finite value first, so
 *    overflow and infinities give ±max (NaN stays NaN); with 0 they become inf or NaN;
 *  - to float8e8m0, `round_mode` (up, down, nearest) and `saturate`: the value is replaced by the
 *    power of two it encodes to, which the store then writes exactly.
 */
function castKernel(node: Node, target: DType): ScalarKernel {
  const saturate = attrInt(node, "saturate", 1) !== 0;
  if (FLOAT8.has(target) && saturate) {
    const max = DTYPES[target].max;
    const big = BigInt(max);
    return {
      id: `cast_sat${max}`,
      real: ([x]) => (Number.isNaN(x!) ? x! : Math.min(max, Math.max(-max, x!))),
      integer: ([x]) => (x! > big ? big : x! < -big ? -big : x!),
      // Integers compare as double (no signed/unsigned comparison); NaN fails both tests.
      c: (cx, [x]) => {
        const v = cx.computeType(0) === "float" || cx.computeType(0) === "double" ? x! : `(double)${x}`;
        const lit = (n: number) => (v === x ? cx.lit(n) : `${n}.0`);
        return `(${v} > ${lit(max)} ? ${lit(max)} : ${v} < ${lit(-max)} ? ${lit(-max)} : ${v})`;
      },
    };
  }
  if (target === "float8e8m0") {
    const modeName = attrString(node, "round_mode", "up");
    const mode = E8M0_MODES.indexOf(modeName as E8M0Rounding);
    if (mode < 0) fail("bad-attribute", nodeLabel(node), `attribute "round_mode" = "${modeName}" is not one of ${E8M0_MODES.map((m) => `"${m}"`).join(", ")}`);
    if (mode === 0 && saturate) return convert;
    return {
      id: paramId("cast_e8m0", [mode, saturate ? 1 : 0]),
      real: ([x]) => decodeE8M0(encodeE8M0(x!, E8M0_MODES[mode], saturate)),
      c: (cx, [x]) => `${cx.helper("f8e8m0_to_f32")}(${cx.helper("f32_to_f8e8m0_mode")}((float)(${x}), ${mode}, ${saturate ? 1 : 0}))`,
    };
  }
  return convert;
}

const Cast = elementwiseOp({
  name: "Cast",
  family: "cast",
  dataTypes: "every type but string and complex",
  forms: "every opset; to any numeric type incl. bfloat16, float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz, e8m0), float4e2m1, int4/uint4/int2/uint2; saturate (19), round_mode (25)",
  types: ["any"],
  output: (node) => castTarget(node),
  kernel: (node) => castKernel(node, castTarget(node)),
});

/** CastLike (opset 15, `saturate` from 19): Cast to input 1's type; input 1's values are not read. */
const CastLike: OpDef = {
  name: "CastLike",
  family: "cast",
  dataTypes: "every type but string and complex",
  forms: "opsets 15+; saturate (19)",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  typeOnlyInputs: [1],
  infer(node, inputs) {
    const [x, like] = checkInputTypes(node, inputs, ["any"], []) as [ValueInfo, ValueInfo];
    castKernel(node, like.dtype);
    return [{ dtype: like.dtype, shape: x.shape }];
  },
  evaluate(node, [x, like]) {
    return [evaluateElementwise(castKernel(node, like!.dtype), [x!], [x!.shape], like!.dtype, x!.shape)];
  },
  emitC(node, ctx) {
    const x = node.inputs[0]!;
    emitElementwise(node, ctx, castKernel(node, ctx.info(node.inputs[1]!).dtype), [x], [ctx.info(x).shape]);
  },
  macs: (_node, _inputs, outputs) => numel(outputs[0]!.shape),
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const CAST_OPS: readonly OpDef[] = [Cast, CastLike];
