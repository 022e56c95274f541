import type { EmitCtx } from "../../codegen/emit-ctx.js";
import { fail } from "../../errors.js";
import { attrInt, attrInts, checkOneOf } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { normAxis, numel, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cHelper } from "./elementwise/c-helpers.js";
import { storeInteger } from "./elementwise/evaluate.js";

/**
 * CumSum along a constant `axis`: `exclusive` leaves the element itself out of its sum, `reverse`
 * sums from the end. Sums run element by element in the storage precision (float for float32 and
 * float16, as the C does); integer sums wrap modulo 2^bits (computed unsigned in C).
 */
const CUMSUM_DTYPES: readonly DType[] = ["float16", "float32", "float64", "int32", "int64", "uint32", "uint64"];

interface ScanPlan {
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
  readonly exclusive: boolean;
  readonly reverse: boolean;
}

function planScan(node: Node, shape: Shape, dtype: DType): ScanPlan {
  if (!CUMSUM_DTYPES.includes(dtype)) fail("unsupported-dtype", nodeLabel(node), `CumSum supports ${CUMSUM_DTYPES.join(", ")}, got ${dtype}`);
  const axes = attrInts(node, "axis");
  if (axes.length !== 1) fail("bad-shape", nodeLabel(node), `axis must be a single value, got ${axes.length}`);
  const axis = normAxis(axes[0]!, shape.length);
  if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${axes[0]} is out of range for a rank-${shape.length} input (valid: ${-shape.length} to ${shape.length - 1})`);
  return {
    outer: numel(shape.slice(0, axis)),
    len: shape[axis]!,
    inner: numel(shape.slice(axis + 1)),
    exclusive: checkOneOf(node, "exclusive", attrInt(node, "exclusive", 0), [0, 1]) === 1,
    reverse: checkOneOf(node, "reverse", attrInt(node, "reverse", 0), [0, 1]) === 1,
  };
}

/** Visits each line along the axis: its first element's offset and the element offsets in summation order. */
function scanOrder(p: ScanPlan, visit: (line: number, at: readonly number[]) => void): void {
  const order = Array.from({ length: p.len }, (_, i) => (p.reverse ? p.len - 1 - i : i));
  for (let o = 0; o < p.outer; o++) {
    for (let k = 0; k < p.inner; k++) visit(o * p.len * p.inner + k, order.map((i) => i * p.inner));
  }
}

function evaluateCumSum(node: Node, x: Tensor): Tensor {
  const p = planScan(node, x.shape, x.dtype);
  const n = x.size;
  if (DTYPES[x.dtype].isFloat) {
    const v = x.toNumbers();
    const out = new Float64Array(n);
    const round = x.dtype === "float64" ? (a: number) => a : Math.fround;
    scanOrder(p, (base, at) => {
      let acc = 0;
      for (const off of at) {
        const before = acc;
        acc = round(acc + v[base + off]!);
        out[base + off] = p.exclusive ? before : acc;
      }
    });
    return Tensor.fromNumbers(x.dtype, x.shape, out);
  }
  const d = x.data;
  const out = new Array<bigint>(n).fill(0n);
  scanOrder(p, (base, at) => {
    let acc = 0n;
    for (const off of at) {
      const before = acc;
      acc += BigInt(d[base + off]!);
      out[base + off] = p.exclusive ? before : acc;
    }
  });
  return storeInteger(x.dtype, x.shape, out);
}

/** C types of one dtype's scan: element, accumulator, and the load/store around the accumulator. */
function scanTypes(ctx: EmitCtx, dtype: DType): { T: string; A: string; load: string; store: string } {
  const T = DTYPES[dtype].ctype;
  if (dtype === "float16") return { T, A: "float", load: `${cHelper(ctx, "f16_to_f32")}(x[i])`, store: `${cHelper(ctx, "f32_to_f16")}(v)` };
  if (DTYPES[dtype].isFloat) return { T, A: T, load: "x[i]", store: "v" };
  const A = DTYPES[dtype].bytes === 8 ? "uint64_t" : "uint32_t";
  return { T, A, load: `(${A})x[i]`, store: `(${T})v` };
}

const CumSum: OpDef = {
  name: "CumSum",
  family: "reduce",
  dataTypes: CUMSUM_DTYPES.join(", "),
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 1, attr: "axis" }],
  infer(node, [x]) {
    planScan(node, x!.shape, x!.dtype);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  evaluate: (node, [x]) => [evaluateCumSum(node, x!)],
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const p = planScan(node, x.shape, x.dtype);
    if (numel(x.shape) === 0) {
      ctx.line("/* empty tensor: nothing to write */");
      return;
    }
    const { T, A, load, store } = scanTypes(ctx, x.dtype);
    const fn = `eg_cumsum_${DTYPES[x.dtype].suffix}`;
    ctx.define(
      fn,
      `/* Running sum along the middle axis of [outer, len, inner]; from the end when reverse, without the element itself when exclusive. */
static void ${fn}(const ${T} *x, ${T} *y, int32_t outer, int32_t len, int32_t inner, int32_t exclusive, int32_t reverse) {
  int32_t o, k, s;
  for (o = 0; o < outer; o++) {
    for (k = 0; k < inner; k++) {
      ${A} acc = 0;
      for (s = 0; s < len; s++) {
        const int32_t i = o * len * inner + (reverse ? len - 1 - s : s) * inner + k;
        const ${A} before = acc;
        ${A} v;
        acc = (${A})(acc + ${load});
        v = exclusive ? before : acc;
        y[i] = ${store};
      }
    }
  }
}`,
    );
    ctx.line(`${fn}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.outer}, ${p.len}, ${p.inner}, ${p.exclusive ? 1 : 0}, ${p.reverse ? 1 : 0});`);
  },
  macs: (_node, [x]) => numel(x!.shape),
};

registerOps([CumSum]);
