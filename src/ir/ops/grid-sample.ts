import { fail } from "../../errors.js";
import { attrInt, attrString, checkOneOf } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { prod, requireF32 } from "./nn-common.js";

/**
 * GridSample (opset 16: 2-D, modes bilinear/bicubic/nearest; opset 20+: N-D, modes
 * linear/cubic/nearest), float32. X [N, C, D1..Dr], grid [N, O1..Or, r] of normalised
 * coordinates in [-1, 1], innermost first (grid[..., 0] indexes Dr); Y [N, C, O1..Or].
 * Coordinates are denormalised (align_corners: -1 and 1 are the corner pixel centres; otherwise the
 * corner pixel edges), then sampled separably: nearest (round half to even, which is what the
 * conformance data holds for 2-D and 3-D), linear (2 taps per axis) or cubic (Keys, a = -0.75, 4 taps). Samples
 * outside the image are zeros, clamped to the border, or reflected. Kernel: grid_sample_f32.c.
 */
interface GridSamplePlan {
  readonly batch: number;
  readonly channels: number;
  readonly inDims: readonly number[];
  readonly outDims: readonly number[];
  /** 0 nearest, 1 linear, 2 cubic (the codes of the C kernel). */
  readonly mode: number;
  /** 0 zeros, 1 border, 2 reflection. */
  readonly padding: number;
  readonly alignCorners: boolean;
}

const MODES: Readonly<Record<string, number>> = { nearest: 0, linear: 1, bilinear: 1, cubic: 2, bicubic: 2 };
const PADDINGS = ["zeros", "border", "reflection"];

function plan(node: Node, [x, grid]: readonly (ValueInfo | undefined)[]): GridSamplePlan {
  const xi = requireF32(node, x, "X");
  const gi = requireF32(node, grid, "grid");
  const r = xi.shape.length - 2;
  if (r < 1) fail("bad-shape", nodeLabel(node), `X must be [N, C, D1, ...], got ${shapeToString(xi.shape)}`);
  if (gi.shape.length !== r + 2 || gi.shape[0] !== xi.shape[0] || gi.shape[r + 1] !== r) {
    fail("bad-shape", nodeLabel(node), `grid must be [N, O1..O${r}, ${r}] for a ${r}-D X ${shapeToString(xi.shape)}, got ${shapeToString(gi.shape)}`);
  }
  const modeName = attrString(node, "mode", "linear");
  const mode = MODES[modeName];
  if (mode === undefined) fail("bad-attribute", nodeLabel(node), `mode "${modeName}" is not one of ${Object.keys(MODES).join(", ")}`);
  const padding = PADDINGS.indexOf(checkOneOf(node, "padding_mode", attrString(node, "padding_mode", "zeros"), PADDINGS));
  return {
    batch: xi.shape[0]!,
    channels: xi.shape[1]!,
    inDims: xi.shape.slice(2),
    outDims: gi.shape.slice(1, r + 1),
    mode,
    padding,
    alignCorners: attrInt(node, "align_corners", 0) !== 0,
  };
}

/** Round half to even (std::nearbyint in the default rounding mode). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** Reflects v into [lo, hi] by folding at the nearer border as often as needed. */
function reflect(v: number, lo: number, hi: number): number {
  const range = hi - lo;
  if (v >= lo && v <= hi) return v;
  const dx = v < lo ? lo - v : v - hi;
  const n = Math.trunc(dx / range);
  const rest = dx - n * range;
  const fromLow = v < lo ? n % 2 === 0 : n % 2 !== 0;
  return fromLow ? lo + rest : hi - rest;
}

function cubicCoeffs(t: number): number[] {
  const a = -0.75;
  const x = Math.abs(t);
  return [
    ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a,
    ((a + 2) * x - (a + 3)) * x * x + 1,
    ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1,
    ((a * (2 - x) - 5 * a) * (2 - x) + 8 * a) * (2 - x) - 4 * a,
  ];
}

/** For one axis of size d and a normalised coordinate: the sampled indices (-1: zero) and their weights. */
function axisTaps(p: GridSamplePlan, d: number, normalised: number): { index: number[]; weight: number[] } {
  const [lo, hi] = p.alignCorners ? [0, d - 1] : [-0.5, d - 0.5];
  let x = p.alignCorners ? ((normalised + 1) / 2) * (d - 1) : ((normalised + 1) * d - 1) / 2;
  if (p.mode === 0) x = roundHalfEven(x);
  if (x < lo || x > hi) x = p.padding === 1 ? Math.min(d - 1, Math.max(0, x)) : p.padding === 2 ? reflect(x, lo, hi) : x;
  const pick = (i: number) => (p.padding === 0 ? (i >= 0 && i < d ? i : -1) : p.padding === 1 ? Math.min(d - 1, Math.max(0, i)) : Math.trunc(reflect(i, lo, hi)));
  if (p.mode === 0) return { index: [pick(Math.trunc(x))], weight: [1] };
  const x0 = Math.floor(x);
  const t = x - x0;
  if (p.mode === 1) return { index: [pick(x0), pick(x0 + 1)], weight: [1 - t, t] };
  return { index: [-1, 0, 1, 2].map((k) => pick(x0 + k)), weight: cubicCoeffs(t) };
}

function reference(p: GridSamplePlan, x: Float64Array, grid: Float64Array): Float64Array {
  const r = p.inDims.length;
  const inSize = prod(p.inDims);
  const outSize = prod(p.outDims);
  const y = new Float64Array(p.batch * p.channels * outSize);
  for (let n = 0; n < p.batch; n++) {
    for (let o = 0; o < outSize; o++) {
      // Axis a of X is read from grid component r - 1 - a.
      const taps = p.inDims.map((d, a) => axisTaps(p, d, grid[(n * outSize + o) * r + (r - 1 - a)]!));
      for (let c = 0; c < p.channels; c++) {
        const base = (n * p.channels + c) * inSize;
        let acc = 0;
        const visit = (a: number, offset: number, w: number): void => {
          if (a === r) {
            acc += w * x[base + offset]!;
            return;
          }
          const { index, weight } = taps[a]!;
          index.forEach((i, k) => i >= 0 && visit(a + 1, offset * p.inDims[a]! + i, w * weight[k]!));
        };
        visit(0, 0, 1);
        y[(n * p.channels + c) * outSize + o] = acc;
      }
    }
  }
  return y;
}

const GridSample: OpDef = {
  name: "GridSample",
  family: "resize",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = plan(node, inputs);
    return [{ dtype: "float32", shape: [p.batch, p.channels, ...p.outDims] }];
  },
  evaluate(node, [x, grid]) {
    const p = plan(node, [x!, grid!]);
    return [Tensor.fromNumbers("float32", [p.batch, p.channels, ...p.outDims], reference(p, x!.toNumbers(), grid!.toNumbers()))];
  },
  emitC(node, ctx) {
    const p = plan(node, node.inputs.map((n) => ctx.info(n)));
    const ip = ctx.constArray("int32_t", [p.batch, p.channels, p.inDims.length, p.mode, p.padding, p.alignCorners ? 1 : 0, ...p.inDims, ...p.outDims]);
    ctx.useRuntime("grid_sample_f32");
    ctx.line(`eg_grid_sample_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.inputs[1]!)}, ${ctx.ptr(node.outputs[0]!)}, ${ip});`);
  },
  macs(node, inputs) {
    const p = plan(node, inputs);
    return p.batch * p.channels * prod(p.outDims) * (p.mode === 0 ? 1 : (p.mode === 1 ? 2 : 4) ** p.inDims.length);
  },
};

registerOps([GridSample]);
