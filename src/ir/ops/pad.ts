import { cLiteral } from "../../cgen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInts, attrString, checkOneOf, hasAttr, withAttrs } from "../attrs.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel, shapeToString, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";

const MODES = ["constant", "reflect", "edge", "wrap"] as const;
type PadMode = (typeof MODES)[number];
/** EG_PAD_* codes of runtime-c/kernels/pad_nd.h, in MODES order. */
const MODE_CODE: Readonly<Record<PadMode, number>> = { constant: 0, reflect: 1, edge: 2, wrap: 3 };

/** EG_MAX_RANK of runtime-c/egret.h, the pad kernel's limit. */
const MAX_RANK = 8;

interface PadPlan {
  readonly mode: PadMode;
  /** Elements added before each axis (negative: cropped). */
  readonly begin: readonly number[];
  readonly outShape: readonly number[];
  readonly value: number;
}

/**
 * Reads the canonical attributes: `pads` = [begin_0.., end_0..] over `axes` (default all axes),
 * `value` for constant mode, `mode`. Rejects outputs with negative size and non-constant padding
 * of an empty axis (nothing to reflect or repeat).
 */
function padPlan(node: Node, inShape: readonly number[]): PadPlan {
  const rank = inShape.length;
  const mode = checkOneOf(node, "mode", attrString(node, "mode", "constant"), MODES) as PadMode;
  const pads = attrInts(node, "pads");
  const axes = (hasAttr(node, "axes") ? attrInts(node, "axes") : inShape.map((_, i) => i)).map((a) => {
    const n = a < 0 ? a + rank : a;
    if (!(n >= 0 && n < rank)) fail("bad-attribute", nodeLabel(node), `axis ${a} is out of range for rank ${rank}`);
    return n;
  });
  if (new Set(axes).size !== axes.length) fail("bad-attribute", nodeLabel(node), `axes [${axes.join(", ")}] name an axis twice`);
  if (pads.length !== 2 * axes.length) {
    fail("bad-attribute", nodeLabel(node), `pads has ${pads.length} values; padding ${axes.length} axes needs ${2 * axes.length} (all begins, then all ends)`);
  }
  const begin = new Array<number>(rank).fill(0);
  const outShape = [...inShape];
  axes.forEach((a, i) => {
    const [b, e] = [pads[i]!, pads[i + axes.length]!];
    begin[a] = b;
    outShape[a] = inShape[a]! + b + e;
    if (outShape[a]! < 0) fail("bad-attribute", nodeLabel(node), `pads ${b} and ${e} crop more than axis ${a}'s ${inShape[a]} elements`);
    if (mode !== "constant" && inShape[a] === 0 && outShape[a]! > 0) {
      fail("bad-shape", nodeLabel(node), `${mode} padding needs a non-empty axis ${a}; the input is ${shapeToString(inShape)}`);
    }
  });
  return { mode, begin, outShape, value: attrFloat(node, "value", 0) };
}

/** Input coordinate read by output coordinate `o` on an axis of `n` (-1: the constant). */
function sourceIndex(o: number, begin: number, n: number, mode: PadMode): number {
  const i = o - begin;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case "constant":
      return -1;
    case "edge":
      return i < 0 ? 0 : n - 1;
    case "wrap":
      return ((i % n) + n) % n;
    case "reflect": {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const r = ((i % period) + period) % period;
      return r < n ? r : period - r;
    }
  }
}

const Pad: OpDef = {
  name: "Pad",
  forms: "every opset: pads attribute (< 11) or input, constant value input, axes input (18); constant, reflect, edge and wrap (19) modes",
  family: "tensor",
  inputs: { min: 1, max: 4 },
  outputs: { min: 1, max: 1 },
  // Opset 11 turned the pads/value attributes into inputs; opset 18 added axes.
  constInputs: [
    { index: 1, attr: "pads" },
    { index: 2, attr: "value" },
    { index: 3, attr: "axes" },
  ],
  // Opset 1 called the pads "paddings".
  canonicalize: (node) => (hasAttr(node, "paddings") && !hasAttr(node, "pads") ? withAttrs(node, { pads: node.attrs["paddings"], paddings: undefined }) : node),
  infer: (node, [x]) => [{ dtype: x!.dtype, shape: padPlan(node, x!.shape).outShape }],
  evaluate(node, [x]) {
    const plan = padPlan(node, x!.shape);
    const out = new Tensor(x!.dtype, plan.outShape);
    const fill = Tensor.fromNumbers(x!.dtype, [], [plan.value]).data[0];
    const to = out.data as unknown as { [index: number]: unknown };
    const from = x!.data as unknown as { [index: number]: unknown };
    const inStrides = stridesOf(x!.shape);
    const outStrides = stridesOf(plan.outShape);
    for (let flat = 0; flat < out.size; flat++) {
      let src = 0;
      for (let k = 0; k < plan.outShape.length && src >= 0; k++) {
        const o = Math.floor(flat / outStrides[k]!) % plan.outShape[k]!;
        const i = sourceIndex(o, plan.begin[k]!, x!.shape[k]!, plan.mode);
        src = i < 0 ? -1 : src + i * inStrides[k]!;
      }
      to[flat] = src < 0 ? fill : from[src];
    }
    return [out];
  },
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const plan = padPlan(node, x.shape);
    if (numel(plan.outShape) === 0) return;
    const { bytes, ctype } = DTYPES[x.dtype];
    const y = ctx.ptr(node.outputs[0]!);
    if (x.shape.length === 0) {
      ctx.line(`memcpy(${y}, ${ctx.ptr(node.inputs[0]!)}, ${bytes}u);`);
      return;
    }
    if (x.shape.length > MAX_RANK) fail("unsupported-op", nodeLabel(node), `pads a rank-${x.shape.length} tensor; the C kernel handles rank <= ${MAX_RANK}`);
    let value = "NULL";
    if (plan.mode === "constant") {
      value = ctx.uniqueName(`pad_value_${node.name}`);
      const bits = Tensor.fromNumbers(x.dtype, [], [plan.value]).data[0]!;
      ctx.define(value, `static const ${ctype} ${value}[1] = { ${cLiteral(x.dtype, bits)} };`);
    }
    ctx.useRuntime("pad_nd");
    const rank = x.shape.length;
    const inShape = ctx.constArray("int32_t", x.shape);
    const outShape = ctx.constArray("int32_t", plan.outShape);
    const begin = ctx.constArray("int32_t", plan.begin);
    ctx.line(`eg_pad_nd(${y}, ${ctx.ptr(node.inputs[0]!)}, ${bytes}, ${rank}, ${inShape}, ${outShape}, ${begin}, ${MODE_CODE[plan.mode]}, ${value});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const PAD_OPS: readonly OpDef[] = [Pad];
