import { fail } from "../../errors.js";
import { attrInt, attrInts } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel, shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cHelper } from "./elementwise/c-helpers.js";
import { copyElements } from "./gather-common.js";

/**
 * OneHot: y has the indices' shape with a new axis of length `depth` at `axis`; the entry at the
 * index's position along it is values[1] (on), every other entry values[0] (off). Indices of any
 * numeric type are truncated toward zero; negative ones count from the end (-depth..-1); any other
 * index gives an all-off line. `depth` must be a compile-time constant (it sizes the output);
 * once folded, input 1 is "" and the values stay input 2.
 */
interface OneHotPlan {
  readonly depth: number;
  readonly outer: number;
  readonly inner: number;
  readonly outShape: number[];
}

function planOneHot(node: Node, indices: ValueInfo, values: ValueInfo): OneHotPlan {
  if (indices.dtype === "bool") fail("unsupported-dtype", nodeLabel(node), "indices must be numeric, got bool");
  if (values.shape.length !== 1 || values.shape[0] !== 2) {
    fail("bad-shape", nodeLabel(node), `values must be [off_value, on_value] (shape 2), got ${shapeToString(values.shape)}`);
  }
  const depths = attrInts(node, "depth");
  if (depths.length !== 1) fail("bad-shape", nodeLabel(node), `depth must be a single value, got ${depths.length}`);
  const depth = Math.trunc(depths[0]!);
  if (!(depth >= 1)) fail("bad-attribute", nodeLabel(node), `depth ${depths[0]} must be at least 1`);
  const r = indices.shape.length;
  const raw = attrInt(node, "axis", -1);
  const axis = raw < 0 ? raw + r + 1 : raw;
  if (axis < 0 || axis > r) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for rank-${r} indices (valid: ${-r - 1} to ${r})`);
  return {
    depth,
    outer: numel(indices.shape.slice(0, axis)),
    inner: numel(indices.shape.slice(axis)),
    outShape: [...indices.shape.slice(0, axis), depth, ...indices.shape.slice(axis)],
  };
}

/** The position an index value selects, or -1 for none (out of range or not a number). */
function hotPosition(v: number, depth: number): number {
  const i = Math.trunc(v);
  if (!(i >= -depth && i < depth)) return -1;
  return i < 0 ? i + depth : i;
}

function oneHotCode(fn: string, index: DType, load: string): string {
  return `/* OneHot into [outer, depth, inner] elements of \`size\` bytes: on at the index's position, off elsewhere.
   The index is compared in double before any integer conversion (no out-of-range conversion UB). */
static void ${fn}(const ${DTYPES[index].ctype} *idx, const uint8_t *values, uint8_t *y, int32_t outer, int32_t depth, int32_t inner, int32_t size) {
  int32_t o, d, i;
  for (o = 0; o < outer; o++) {
    for (i = 0; i < inner; i++) {
      const double v = (double)${load};
      int32_t hot = -1;
      if (v > -(double)depth - 1.0 && v < (double)depth) {
        hot = (int32_t)v;
        if (hot < 0) hot += depth;
        if (hot < 0 || hot >= depth) hot = -1;
      }
      for (d = 0; d < depth; d++) {
        const size_t at = ((size_t)o * (size_t)depth + (size_t)d) * (size_t)inner + (size_t)i;
        memcpy(y + at * (size_t)size, values + (d == hot ? (size_t)size : 0u), (size_t)size);
      }
    }
  }
}`;
}

const OneHot: OpDef = {
  name: "OneHot",
  family: "gather",
  dataTypes: "any values; numeric indices",
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 1, attr: "depth", reason: "(it sets the output shape)" }],
  infer(node, [indices, , values]) {
    return [{ dtype: values!.dtype, shape: planOneHot(node, indices!, values!).outShape }];
  },
  evaluate(node, [indices, , values]) {
    const p = planOneHot(node, indices!, values!);
    const out = new Tensor(values!.dtype, p.outShape);
    const idx = indices!.toNumbers();
    for (let o = 0; o < p.outer; o++) {
      for (let i = 0; i < p.inner; i++) {
        const hot = hotPosition(idx[o * p.inner + i]!, p.depth);
        for (let d = 0; d < p.depth; d++) copyElements(values!.data, d === hot ? 1 : 0, out.data, (o * p.depth + d) * p.inner + i, 1);
      }
    }
    return [out];
  },
  emitC(node, ctx) {
    const [idxName, , valuesName] = node.inputs as [string, string, string];
    const indices = ctx.info(idxName);
    const values = ctx.info(valuesName);
    const p = planOneHot(node, indices, values);
    if (numel(p.outShape) === 0) {
      ctx.line("/* empty output: nothing to write */");
      return;
    }
    const fn = `eg_onehot_${DTYPES[indices.dtype].suffix}`;
    const element = "idx[(size_t)o * (size_t)inner + (size_t)i]";
    const load = indices.dtype === "float16" ? `${cHelper(ctx, "f16_to_f32")}(${element})` : element;
    ctx.define(fn, oneHotCode(fn, indices.dtype, load));
    ctx.line(
      `${fn}(${ctx.ptr(idxName)}, (const uint8_t *)${ctx.ptr(valuesName)}, (uint8_t *)${ctx.ptr(node.outputs[0]!)}, ${p.outer}, ${p.depth}, ${p.inner}, ${DTYPES[values.dtype].bytes});`,
    );
  },
};

registerOps([OneHot]);
