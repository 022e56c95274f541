import { fail } from "../../errors.js";
import { attrInt, attrInts, checkOneOf } from "../attrs.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel, shapeToString, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { copyElements } from "./gather-common.js";

/**
 * Trilu: keeps the upper (`upper = 1`, the default) or lower triangle of the last two dimensions
 * and zeroes the rest. Element (i, j) is kept when j - i >= k (upper) or j - i <= k (lower).
 * `k` is an optional input that must be a compile-time constant (it is in every exported model).
 */
interface TriluPlan {
  readonly batch: number;
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly upper: boolean;
}

function planTrilu(node: Node, shape: Shape): TriluPlan {
  if (shape.length < 2) fail("bad-shape", nodeLabel(node), `input must have rank 2 or more, got ${shapeToString(shape)}`);
  const ks = attrInts(node, "k", [0]);
  if (ks.length !== 1) fail("bad-shape", nodeLabel(node), `k must be a single value, got ${ks.length}`);
  const upper = checkOneOf(node, "upper", attrInt(node, "upper", 1), [0, 1]) === 1;
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  // Any k beyond ±(rows + cols) behaves like that bound; clamping keeps the C arithmetic in int32.
  const k = Math.max(-(rows + cols), Math.min(rows + cols, ks[0]!));
  return { batch: numel(shape.slice(0, -2)), rows, cols, k, upper };
}

/** The columns [lo, hi) of row `i` that are kept. */
function keptColumns(p: TriluPlan, i: number): [number, number] {
  const clamp = (c: number) => Math.max(0, Math.min(p.cols, c));
  return p.upper ? [clamp(i + p.k), p.cols] : [0, clamp(i + p.k + 1)];
}

const TRILU_C = `/* Trilu on [batch, rows, cols] elements of \`size\` bytes: per row, the kept columns [lo, hi) are
   copied and the rest zeroed (all-zero bytes are 0 in every element type). */
static void eg_trilu(const uint8_t *x, uint8_t *y, int32_t batch, int32_t rows, int32_t cols, int32_t k, int32_t upper, int32_t size) {
  int32_t b, i;
  for (b = 0; b < batch; b++) {
    for (i = 0; i < rows; i++) {
      const size_t row = ((size_t)b * (size_t)rows + (size_t)i) * (size_t)cols * (size_t)size;
      int32_t lo = upper ? i + k : 0;
      int32_t hi = upper ? cols : i + k + 1;
      if (lo < 0) lo = 0;
      if (lo > cols) lo = cols;
      if (hi > cols) hi = cols;
      if (hi < lo) hi = lo;
      memset(y + row, 0, (size_t)lo * (size_t)size);
      if (y != x) memcpy(y + row + (size_t)lo * (size_t)size, x + row + (size_t)lo * (size_t)size, (size_t)(hi - lo) * (size_t)size);
      memset(y + row + (size_t)hi * (size_t)size, 0, (size_t)(cols - hi) * (size_t)size);
    }
  }
}`;

const Trilu: OpDef = {
  name: "Trilu",
  family: "tensor",
  dataTypes: "any",
  inputs: { min: 1, max: 2 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 1, attr: "k" }],
  infer(node, [x]) {
    planTrilu(node, x!.shape);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  evaluate(node, [x]) {
    const p = planTrilu(node, x!.shape);
    const out = new Tensor(x!.dtype, x!.shape);
    for (let b = 0; b < p.batch; b++) {
      for (let i = 0; i < p.rows; i++) {
        const [lo, hi] = keptColumns(p, i);
        const row = (b * p.rows + i) * p.cols;
        if (hi > lo) copyElements(x!.data, row + lo, out.data, row + lo, hi - lo);
      }
    }
    return [out];
  },
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const p = planTrilu(node, x.shape);
    if (numel(x.shape) === 0) {
      ctx.line("/* empty tensor: nothing to write */");
      return;
    }
    ctx.define("eg_trilu", TRILU_C);
    ctx.line(
      `eg_trilu((const uint8_t *)${ctx.ptr(node.inputs[0]!)}, (uint8_t *)${ctx.ptr(node.outputs[0]!)}, ${p.batch}, ${p.rows}, ${p.cols}, ${p.k}, ${p.upper ? 1 : 0}, ${DTYPES[x.dtype].bytes});`,
    );
  },
};

registerOps([Trilu]);
