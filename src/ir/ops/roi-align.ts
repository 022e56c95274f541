import { cLiteral } from "../../codegen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt, attrString, checkOneOf, hasAttr, withAttrs } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { requireF32, requireShape } from "./nn-common.js";

/**
 * RoiAlign (opset 10, 16, 22), float32: X [N, C, H, W], rois [R, 4] as (x1, y1, x2, y2) in input
 * coordinates times spatial_scale, batch_indices [R] (int64, run time) -> Y [R, C, oh, ow]. Each
 * output bin averages (mode avg) or takes the largest weighted corner (mode max, onnxruntime's
 * definition) of sampling_ratio^2 bilinear samples (adaptive: ceil(roi size / bins) when 0).
 * coordinate_transformation_mode half_pixel shifts by -0.5 (opset 16's default); opset 10's
 * behaviour is output_half_pixel, where ROIs are at least 1x1. A batch index outside [0, N) gives
 * zeros (the C never reads outside X). Kernel: roi_align_f32.c.
 */
interface RoiAlignPlan {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly rois: number;
  readonly outH: number;
  readonly outW: number;
  readonly samplingRatio: number;
  readonly spatialScale: number;
  readonly max: boolean;
  readonly halfPixel: boolean;
}

function plan(node: Node, [x, rois, indices]: readonly (ValueInfo | undefined)[]): RoiAlignPlan {
  const xi = requireF32(node, x, "X");
  const ri = requireF32(node, rois, "rois");
  if (xi.shape.length !== 4) fail("bad-shape", nodeLabel(node), `X must be [N, C, H, W], got ${shapeToString(xi.shape)}`);
  if (ri.shape.length !== 2 || ri.shape[1] !== 4) fail("bad-shape", nodeLabel(node), `rois must be [num_rois, 4], got ${shapeToString(ri.shape)}`);
  if (!indices || indices.dtype !== "int64") fail("unsupported-dtype", nodeLabel(node), `batch_indices must be int64, got ${indices?.dtype ?? "nothing"}`);
  requireShape(node, indices, "batch_indices", [ri.shape[0]!]);
  const outH = attrInt(node, "output_height", 1);
  const outW = attrInt(node, "output_width", 1);
  const samplingRatio = attrInt(node, "sampling_ratio", 0);
  if (outH < 1 || outW < 1 || samplingRatio < 0) fail("bad-attribute", nodeLabel(node), `output_height ${outH} and output_width ${outW} must be >= 1, sampling_ratio ${samplingRatio} >= 0`);
  const transform = checkOneOf(node, "coordinate_transformation_mode", attrString(node, "coordinate_transformation_mode", "half_pixel"), ["half_pixel", "output_half_pixel"]);
  return {
    batch: xi.shape[0]!,
    channels: xi.shape[1]!,
    height: xi.shape[2]!,
    width: xi.shape[3]!,
    rois: ri.shape[0]!,
    outH,
    outW,
    samplingRatio,
    spatialScale: Math.fround(attrFloat(node, "spatial_scale", 1)),
    max: checkOneOf(node, "mode", attrString(node, "mode", "avg"), ["avg", "max"]) === "max",
    halfPixel: transform === "half_pixel",
  };
}

/** The four corners and weights of one bilinear sample, or undefined when it falls outside. */
function sample(p: RoiAlignPlan, y: number, x: number): { pos: number[]; w: number[] } | undefined {
  if (y < -1 || y > p.height || x < -1 || x > p.width) return undefined;
  const axis = (v: number, size: number) => {
    const c = Math.max(v, 0);
    const low = Math.trunc(c);
    return low >= size - 1 ? { low: size - 1, high: size - 1, frac: 0 } : { low, high: low + 1, frac: c - low };
  };
  const yy = axis(y, p.height);
  const xx = axis(x, p.width);
  return {
    pos: [yy.low * p.width + xx.low, yy.low * p.width + xx.high, yy.high * p.width + xx.low, yy.high * p.width + xx.high],
    w: [(1 - yy.frac) * (1 - xx.frac), (1 - yy.frac) * xx.frac, yy.frac * (1 - xx.frac), yy.frac * xx.frac],
  };
}

function reference(p: RoiAlignPlan, x: Float64Array, rois: Float64Array, indices: Float64Array): Float64Array {
  const y = new Float64Array(p.rois * p.channels * p.outH * p.outW);
  const offset = p.halfPixel ? 0.5 : 0;
  for (let r = 0; r < p.rois; r++) {
    const [x1, y1, x2, y2] = [0, 1, 2, 3].map((k) => rois[r * 4 + k]! * p.spatialScale - offset) as [number, number, number, number];
    const roiW = p.halfPixel ? x2 - x1 : Math.max(x2 - x1, 1);
    const roiH = p.halfPixel ? y2 - y1 : Math.max(y2 - y1, 1);
    const binH = roiH / p.outH;
    const binW = roiW / p.outW;
    const gridH = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(roiH / p.outH);
    const gridW = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(roiW / p.outW);
    const count = Math.max(gridH * gridW, 1);
    const b = indices[r]!;
    if (!(b >= 0 && b < p.batch)) continue;
    for (let c = 0; c < p.channels; c++) {
      const plane = (b * p.channels + c) * p.height * p.width;
      for (let ph = 0; ph < p.outH; ph++) {
        for (let pw = 0; pw < p.outW; pw++) {
          let acc = 0;
          let first = true;
          for (let iy = 0; iy < gridH; iy++) {
            for (let ix = 0; ix < gridW; ix++) {
              const s = sample(p, y1 + ph * binH + ((iy + 0.5) * binH) / gridH, x1 + pw * binW + ((ix + 0.5) * binW) / gridW);
              const terms = s ? s.w.map((w, k) => w * x[plane + s.pos[k]!]!) : [0, 0, 0, 0];
              if (!p.max) acc += terms.reduce((a, v) => a + v, 0);
              else acc = first ? Math.max(...terms) : Math.max(acc, ...terms);
              first = false;
            }
          }
          y[((r * p.channels + c) * p.outH + ph) * p.outW + pw] = p.max ? acc : acc / count;
        }
      }
    }
  }
  return y;
}

const RoiAlign: OpDef = {
  name: "RoiAlign",
  family: "detection",
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },
  canonicalize: (node, opset) => (opset < 16 && !hasAttr(node, "coordinate_transformation_mode") ? withAttrs(node, { coordinate_transformation_mode: "output_half_pixel" }) : node),
  infer(node, inputs) {
    const p = plan(node, inputs);
    return [{ dtype: "float32", shape: [p.rois, p.channels, p.outH, p.outW] }];
  },
  evaluate(node, [x, rois, indices]) {
    const p = plan(node, [x!, rois!, indices!]);
    return [Tensor.fromNumbers("float32", [p.rois, p.channels, p.outH, p.outW], reference(p, x!.toNumbers(), rois!.toNumbers(), indices!.toNumbers()))];
  },
  emitC(node, ctx) {
    const p = plan(node, node.inputs.map((n) => ctx.info(n)));
    const ip = ctx.constArray("int32_t", [p.batch, p.channels, p.height, p.width, p.rois, p.outH, p.outW, p.samplingRatio, p.max ? 1 : 0, p.halfPixel ? 1 : 0]);
    ctx.useRuntime("roi_align_f32");
    ctx.line(`eg_roi_align_f32(${node.inputs.map((n) => ctx.ptr(n)).join(", ")}, ${ctx.ptr(node.outputs[0]!)}, ${ip}, ${cLiteral("float32", p.spatialScale)});`);
  },
  macs(node, inputs) {
    const p = plan(node, inputs);
    return p.rois * p.channels * p.outH * p.outW * 4 * Math.max(1, p.samplingRatio) ** 2;
  },
};

registerOps([RoiAlign]);
