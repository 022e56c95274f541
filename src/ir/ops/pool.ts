import { fail } from "../../errors.js";
import type { DType } from "../dtype.js";
import { attrInt, checkOneOf } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";
import { prod, requireF32 } from "./nn-common.js";
import { GENERIC_MAXPOOL_DTYPES, genericMaxPoolName, genericMaxPoolSource } from "./pool-generic.js";
import {
  channelsFirstShape,
  forwardWindow,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  permuteShape,
  permuteValues,
  readKernelShape,
  readLayout,
  readWindowAttrs,
  spatialRankOf,
  windowParams,
  type Layout,
  type Window3,
} from "./window.js";

/**
 * MaxPool (with its optional Indices output), AveragePool, GlobalAveragePool, GlobalMaxPool.
 * Windowed pools run as 3-D windows (window.ts); kernels in runtime-c/kernels/pool_f32.c.
 * 2-D MaxPool and AveragePool may also be NHWC (attribute `layout`, see window.ts): planned on the
 * channels-first view, computed by eg_pool_nhwc_f32 (channels innermost). NHWC MaxPool has no
 * Indices output (ONNX defines the indices over the NCHW order).
 */

/** Kernel modes, equal to EG_POOL_* in pool_f32.h. */
const MODE_MAX = 0;
const MODE_AVG_EXCLUDE_PAD = 1;
const MODE_AVG_INCLUDE_PAD = 2;

interface PoolPlan {
  readonly layout: Layout;
  readonly batch: number;
  readonly channels: number;
  readonly planes: number;
  readonly mode: number;
  readonly columnMajor: number;
  readonly win: Window3;
  readonly outShape: number[];
  readonly dtype: DType;
}

/** MaxPool also takes float64 and integer inputs (generic C); AveragePool is float32 only. */
function poolInput(node: Node, x: ValueInfo | undefined, isMax: boolean): ValueInfo {
  if (isMax && x && GENERIC_MAXPOOL_DTYPES.includes(x.dtype)) return x;
  return requireF32(node, x, "input");
}

function planPool(node: Node, x: ValueInfo | undefined, isMax: boolean): PoolPlan {
  const xi = poolInput(node, x, isMax);
  const layout = readLayout(node);
  if (layout === "NHWC" && node.outputs.length > 1 && node.outputs[1] !== "") {
    fail("bad-attribute", nodeLabel(node), 'a MaxPool with layout "NHWC" has no Indices output (ONNX defines it over NCHW); use the NCHW layout');
  }
  const shape = channelsFirstShape(node, layout, xi.shape);
  const rank = spatialRankOf(node, shape);
  const kernel = readKernelShape(node, rank);
  const attrs = readWindowAttrs(node, rank);
  const ceil = checkOneOf(node, "ceil_mode", attrInt(node, "ceil_mode", 0), [0, 1]) === 1;
  const win = forwardWindow(node, shape.slice(2), kernel, attrs, ceil);
  for (let i = 0; i < 3; i++) {
    const extent = (win.kernel[i]! - 1) * win.dilation[i]! + 1;
    if (win.padBegin[i]! >= extent || win.padEnd[i]! >= extent) {
      fail("bad-attribute", nodeLabel(node), `pads must be smaller than the kernel's extent ${extent} along every axis, got [${attrs.pads.join(",")}]`);
    }
  }
  let mode = MODE_MAX;
  let columnMajor = 0;
  if (isMax) {
    columnMajor = checkOneOf(node, "storage_order", attrInt(node, "storage_order", 0), [0, 1]);
    if (columnMajor && rank === 3) fail("bad-attribute", nodeLabel(node), "storage_order = 1 is supported for 1-D and 2-D pooling only");
  } else {
    mode = checkOneOf(node, "count_include_pad", attrInt(node, "count_include_pad", 0), [0, 1]) ? MODE_AVG_INCLUDE_PAD : MODE_AVG_EXCLUDE_PAD;
  }
  const [n, c] = shape as [number, number];
  const outShape = [n, c, ...win.output.slice(3 - rank)];
  return { layout, batch: n, channels: c, planes: n * c, mode, columnMajor, win, outShape: layout === "NHWC" ? permuteShape(outShape, NCHW_TO_NHWC) : outShape, dtype: xi.dtype };
}

/** The reference on the channels-first view: NHWC data is transposed in and out. */
function laidOutPoolReference(p: PoolPlan, x: Tensor): { y: Float64Array; indices: Float64Array } {
  if (p.layout === "NCHW") return poolReference(p, x.toNumbers());
  const { y, indices } = poolReference(p, permuteValues(x.toNumbers(), x.shape, NHWC_TO_NCHW));
  return { y: permuteValues(y, permuteShape(p.outShape, NHWC_TO_NCHW), NCHW_TO_NHWC), indices };
}

/** Reference pooling in float64, tap for tap the algorithm of eg_pool_f32. */
function poolReference(p: PoolPlan, x: Float64Array): { y: Float64Array; indices: Float64Array } {
  const { win } = p;
  const [ID, IH, IW] = win.input as [number, number, number];
  const [OD, OH, OW] = win.output as [number, number, number];
  const [KD, KH, KW] = win.kernel as [number, number, number];
  const inPlane = ID * IH * IW;
  const outPlane = OD * OH * OW;
  const y = new Float64Array(p.planes * outPlane);
  const indices = new Float64Array(p.planes * outPlane);
  const tap = (axis: number, o: number, k: number) => o * win.stride[axis]! - win.padBegin[axis]! + k * win.dilation[axis]!;
  const inPadded = (axis: number, i: number) => i >= -win.padBegin[axis]! && i < win.input[axis]! + win.padEnd[axis]!;
  const inInput = (axis: number, i: number) => i >= 0 && i < win.input[axis]!;
  for (let c = 0; c < p.planes; c++) {
    for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      let best = -Infinity;
      let bestAt = -1;
      let sum = 0;
      let count = 0;
      let padded = 0;
      for (let kd = 0; kd < KD; kd++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
        const id = tap(0, od, kd);
        const ih = tap(1, oh, kh);
        const iw = tap(2, ow, kw);
        if (inPadded(0, id) && inPadded(1, ih) && inPadded(2, iw)) padded++;
        if (!inInput(0, id) || !inInput(1, ih) || !inInput(2, iw)) continue;
        const v = x[c * inPlane + (id * IH + ih) * IW + iw]!;
        count++;
        sum += v;
        // A NaN tap makes the maximum NaN wherever it sits in the window (the first NaN wins), so
        // the result does not depend on the visiting order (folding a -inf Pad keeps it).
        if (bestAt < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          bestAt = p.columnMajor ? (iw * IH + ih) * ID + id : (id * IH + ih) * IW + iw;
        }
      }
      const o = c * outPlane + (od * OH + oh) * OW + ow;
      if (p.mode === MODE_MAX) {
        y[o] = bestAt < 0 ? 0 : best;
        indices[o] = c * inPlane + bestAt;
      } else {
        const divisor = p.mode === MODE_AVG_INCLUDE_PAD ? padded : count;
        y[o] = divisor > 0 ? sum / divisor : 0;
      }
    }
  }
  return { y, indices };
}

function windowPool(name: "MaxPool" | "AveragePool"): OpDef {
  const isMax = name === "MaxPool";
  return {
    name,
    family: "pool",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: isMax ? 2 : 1 },
    infer(node, [x]) {
      const p = planPool(node, x, isMax);
      const out: ValueInfo[] = [{ dtype: p.dtype, shape: p.outShape }];
      if (isMax) out.push({ dtype: "int64", shape: p.outShape });
      return out;
    },
    evaluate(node, [x]) {
      const p = planPool(node, x, isMax);
      const { y, indices } = laidOutPoolReference(p, x!);
      const out = [Tensor.fromNumbers(p.dtype, p.outShape, y)];
      if (isMax) out.push(Tensor.fromNumbers("int64", p.outShape, indices));
      return out;
    },
    emitC(node, ctx) {
      const p = planPool(node, ctx.info(node.inputs[0]!), isMax);
      const x = ctx.ptr(node.inputs[0]!);
      const y = ctx.ptr(node.outputs[0]!);
      if (p.layout === "NHWC") {
        // p[0..2] = N, C, mode; p[3..23] as eg_pool_f32's (pool_f32.h).
        const params = ctx.constArray("int32_t", [p.batch, p.channels, p.mode, ...windowParams(p.win), ...p.win.padEnd]);
        let fn = "eg_pool_nhwc_f32";
        if (p.dtype === "float32") ctx.useRuntime("pool_f32");
        else {
          fn = genericMaxPoolName(p.dtype, "NHWC");
          ctx.define(fn, genericMaxPoolSource(p.dtype, "NHWC"));
        }
        ctx.line(`${fn}(${x}, ${y}, ${params});`);
        return;
      }
      const params = ctx.constArray("int32_t", [p.planes, p.mode, p.columnMajor, ...windowParams(p.win), ...p.win.padEnd]);
      let fn = "eg_pool_f32";
      if (p.dtype === "float32") ctx.useRuntime("pool_f32");
      else {
        fn = genericMaxPoolName(p.dtype, "NCHW");
        ctx.define(fn, genericMaxPoolSource(p.dtype, "NCHW"));
      }
      ctx.line(`${fn}(${x}, ${y}, ${ctx.ptr(node.outputs[1] ?? "")}, ${params});`);
    },
    macs(node, [x]) {
      const p = planPool(node, x, isMax);
      return p.planes * prod(p.win.output) * prod(p.win.kernel);
    },
  };
}

function globalPool(name: "GlobalAveragePool" | "GlobalMaxPool"): OpDef {
  const isMax = name === "GlobalMaxPool";
  const plan = (node: Node, x: ValueInfo | undefined) => {
    const xi = requireF32(node, x, "input");
    const rank = xi.shape.length - 2;
    if (rank < 1) fail("bad-shape", nodeLabel(node), `input must have shape [N, C, D1...], got rank ${xi.shape.length}`);
    return { planes: prod(xi.shape, 0, 2), size: prod(xi.shape, 2), outShape: [...xi.shape.slice(0, 2), ...new Array<number>(rank).fill(1)] };
  };
  return {
    name,
    family: "pool",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    infer: (node, [x]) => [{ dtype: "float32", shape: plan(node, x).outShape }],
    evaluate(node, [x]) {
      const p = plan(node, x);
      const v = x!.toNumbers();
      const y = new Float64Array(p.planes);
      for (let c = 0; c < p.planes; c++) {
        let acc = isMax ? -Infinity : 0;
        for (let i = 0; i < p.size; i++) {
          const e = v[c * p.size + i]!;
          acc = isMax ? Math.max(acc, e) : acc + e;
        }
        y[c] = isMax ? acc : acc / p.size;
      }
      return [Tensor.fromNumbers("float32", p.outShape, y)];
    },
    emitC(node, ctx) {
      const p = plan(node, ctx.info(node.inputs[0]!));
      ctx.useRuntime("pool_f32");
      ctx.line(`eg_global_pool_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.planes}, ${p.size}, ${isMax ? 1 : 0});`);
    },
    macs: (node, [x]) => prod(x!.shape),
  };
}

registerOps([windowPool("MaxPool"), windowPool("AveragePool"), globalPool("GlobalAveragePool"), globalPool("GlobalMaxPool")]);
