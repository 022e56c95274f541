import { cLiteral } from "../../cgen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrFloats, attrInt, attrInts, attrString, checkOneOf, hasAttr, withAttrs } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel, shapeToString, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import {
  applyPass,
  axisPass,
  isIdentityPass,
  type AxisGeometry,
  type AxisPass,
  type CoordinateMode,
  type NearestMode,
  type ResizeConfig,
  type ResizeMode,
} from "./resize-plan.js";

type AspectPolicy = "stretch" | "not_larger" | "not_smaller";

/**
 * Resize (opsets 10-19: `axes`, `antialias`, keep_aspect_ratio_policy, half_pixel_symmetric) and
 * Upsample (7, 9). Canonical form: `scales`, `sizes` and `roi` are
 * attributes (folded constant inputs; empty lists mean absent). Upsample and Resize-10 are Resize
 * with asymmetric coordinates and floor rounding for nearest, as in the Upsample spec example.
 * The work is a chain of separable 1-D passes (resize-plan.ts); axes whose pass is the identity
 * are skipped.
 */

const COORDINATE_MODES: readonly CoordinateMode[] = ["half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"];
const NEAREST_MODES: readonly NearestMode[] = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];

interface ResizePlan {
  readonly outShape: number[];
  /** Non-identity passes in execution order (innermost axis first, like the ONNX reference). */
  readonly passes: AxisPass[];
  readonly extrapolation: number;
}

function checkInput(node: Node, x: ValueInfo): void {
  if (x.dtype !== "float32") fail("unsupported-dtype", nodeLabel(node), `${node.op} supports float32 data, got ${x.dtype}`);
}

const ASPECT_POLICIES: readonly AspectPolicy[] = ["stretch", "not_larger", "not_smaller"];

function resizeConfig(node: Node): ResizeConfig {
  const mode = attrString(node, "mode", "nearest");
  if (!["nearest", "linear", "cubic"].includes(mode)) {
    fail("bad-attribute", nodeLabel(node), `mode "${mode}" is not supported; use "nearest", "linear" or "cubic"`);
  }
  const antialias = attrInt(node, "antialias", 0) !== 0;
  if (antialias && mode === "nearest") fail("bad-attribute", nodeLabel(node), 'antialias applies to the "linear" and "cubic" modes, not "nearest"');
  return {
    antialias,
    mode: mode as ResizeMode,
    coordinate: checkOneOf(node, "coordinate_transformation_mode", attrString(node, "coordinate_transformation_mode", "half_pixel") as CoordinateMode, COORDINATE_MODES),
    nearest: checkOneOf(node, "nearest_mode", attrString(node, "nearest_mode", "round_prefer_floor") as NearestMode, NEAREST_MODES),
    cubicA: attrFloat(node, "cubic_coeff_a", -0.75),
    excludeOutside: attrInt(node, "exclude_outside", 0) !== 0,
    extrapolation: attrFloat(node, "extrapolation_value", 0),
  };
}

/**
 * Output lengths and coordinate scales per axis from `scales` xor `sizes` (and `roi`). With
 * `axes` (opset 18) they are given for those axes only; the others keep their length. With
 * `sizes`, keep_aspect_ratio_policy not_larger / not_smaller uses one scale for all given axes
 * (the smallest / largest of size / length) and rounds the lengths half up.
 */
function resizeGeometry(node: Node, shape: Shape, cfg: ResizeConfig): AxisGeometry[] {
  const rank = shape.length;
  const axes = resizeAxes(node, rank);
  const scalesGiven = attrFloats(node, "scales", []);
  const sizesGiven = attrInts(node, "sizes", []);
  if ((scalesGiven.length === 0) === (sizesGiven.length === 0)) {
    fail("bad-attribute", nodeLabel(node), `exactly one of scales and sizes must be given (got ${scalesGiven.length ? "both" : "neither"})`);
  }
  const what = scalesGiven.length ? "scales" : "sizes";
  const given = scalesGiven.length ? scalesGiven : sizesGiven;
  if (given.length !== axes.length) fail("bad-attribute", nodeLabel(node), `${what} has ${given.length} entries for ${axes.length} axes (rank ${rank})`);
  if (given.some((v) => !(v > 0))) fail("bad-attribute", nodeLabel(node), `${what} [${given.join(", ")}] must all be positive`);
  const scales = shape.map(() => 1);
  const sizes = [...shape];
  axes.forEach((a, i) => (scalesGiven.length ? (scales[a] = given[i]!) : (sizes[a] = given[i]!)));
  const policy = checkOneOf(node, "keep_aspect_ratio_policy", attrString(node, "keep_aspect_ratio_policy", "stretch") as AspectPolicy, ASPECT_POLICIES);
  if (!scalesGiven.length && policy !== "stretch") {
    const ratios = axes.map((a) => sizes[a]! / shape[a]!);
    const scale = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
    for (const a of axes) {
      sizes[a] = Math.floor(scale * shape[a]! + 0.5);
      scales[a] = scale;
    }
  } else if (!scalesGiven.length) {
    axes.forEach((a) => (scales[a] = sizes[a]! / shape[a]!));
  }
  const roiGiven = cfg.coordinate === "tf_crop_and_resize" ? attrFloats(node, "roi", []) : [];
  if (cfg.coordinate === "tf_crop_and_resize" && roiGiven.length !== 2 * axes.length) {
    fail("bad-attribute", nodeLabel(node), `tf_crop_and_resize needs a roi of ${2 * axes.length} values (starts then ends), got ${roiGiven.length}`);
  }
  return shape.map((inLen, i) => {
    const k = axes.indexOf(i);
    return {
      inLen,
      outLen: scalesGiven.length ? Math.floor(inLen * scales[i]!) : sizes[i]!,
      scale: scales[i]!,
      roiStart: k >= 0 && roiGiven.length ? roiGiven[k]! : 0,
      roiEnd: k >= 0 && roiGiven.length ? roiGiven[axes.length + k]! : 1,
    };
  });
}

/** `axes` (opset 18): distinct axes, negative from the end; all axes when absent. */
function resizeAxes(node: Node, rank: number): number[] {
  if (!hasAttr(node, "axes")) return Array.from({ length: rank }, (_, i) => i);
  const raw = attrInts(node, "axes");
  const axes = raw.map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) {
    fail("bad-attribute", nodeLabel(node), `axes [${raw.join(", ")}] must be distinct axes of a rank-${rank} input`);
  }
  return axes;
}

function planFrom(node: Node, shape: Shape, cfg: ResizeConfig, geometry: readonly AxisGeometry[]): ResizePlan {
  const outShape = geometry.map((g) => g.outLen);
  if (outShape.some((d) => d === 0) || numel(shape) === 0) {
    fail("bad-shape", nodeLabel(node), `resizing ${shapeToString(shape)} to ${shapeToString(outShape)}: empty tensors are not supported`);
  }
  const passes: AxisPass[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const p = axisPass(cfg, axis, geometry[axis]!);
    if (!isIdentityPass(p)) passes.push(p);
  }
  return { outShape, passes, extrapolation: cfg.extrapolation };
}

function planResize(node: Node, shape: Shape): ResizePlan {
  const cfg = resizeConfig(node);
  return planFrom(node, shape, cfg, resizeGeometry(node, shape, cfg));
}

/** Upsample: `scales` (attribute in opset 7, constant input in 9), each >= 1. */
function planUpsample(node: Node, shape: Shape): ResizePlan {
  const mode = attrString(node, "mode", "nearest");
  if (mode !== "nearest" && mode !== "linear" && mode !== "bilinear") {
    fail("bad-attribute", nodeLabel(node), `mode "${mode}" is not supported; use "nearest" or "linear"`);
  }
  const scales = attrFloats(node, "scales");
  if (scales.length !== shape.length) fail("bad-attribute", nodeLabel(node), `scales has ${scales.length} entries for a rank-${shape.length} input`);
  if (scales.some((s) => !(s >= 1))) fail("bad-attribute", nodeLabel(node), `Upsample scales [${scales.join(", ")}] must all be >= 1`);
  const cfg: ResizeConfig = {
    mode: mode === "nearest" ? "nearest" : "linear",
    coordinate: "asymmetric",
    nearest: "floor",
    cubicA: -0.75,
    excludeOutside: false,
    extrapolation: 0,
    antialias: false,
  };
  const geometry = shape.map((inLen, i) => ({ inLen, outLen: Math.floor(inLen * scales[i]!), scale: scales[i]!, roiStart: 0, roiEnd: 1 }));
  return planFrom(node, shape, cfg, geometry);
}

function evaluatePlan(x: Tensor, plan: ResizePlan): Tensor {
  let shape = [...x.shape];
  let values = x.toNumbers();
  for (const p of plan.passes) {
    values = applyPass(values, shape, p, plan.extrapolation);
    shape[p.axis] = p.outLen;
  }
  shape = plan.outShape;
  return Tensor.fromNumbers(x.dtype, shape, values);
}

/** Elements of the largest intermediate result (all passes but the last write one). */
function intermediateElements(inShape: Shape, plan: ResizePlan): number {
  const shape = [...inShape];
  let most = 0;
  plan.passes.slice(0, -1).forEach((p) => {
    shape[p.axis] = p.outLen;
    most = Math.max(most, numel(shape));
  });
  return most;
}

/** Intermediate buffers: one for two passes, two (ping-pong) for three or more. */
function bufferCount(plan: ResizePlan): number {
  return Math.min(2, Math.max(0, plan.passes.length - 1));
}

function resizeOp(name: string, plan: (node: Node, shape: Shape) => ResizePlan, extra: Partial<OpDef>): OpDef {
  return {
    name,
    family: "resize",
    inputs: { min: 1, max: 4 },
    outputs: { min: 1, max: 1 },
    infer(node, [x]) {
      checkInput(node, x!);
      return [{ dtype: x!.dtype, shape: plan(node, x!.shape).outShape }];
    },
    evaluate: (node, [x]) => [evaluatePlan(x!, plan(node, x!.shape))],
    scratchBytes(node, [x]) {
      const p = plan(node, x!.shape);
      return bufferCount(p) * intermediateElements(x!.shape, p) * 4;
    },
    emitC(node, ctx) {
      const xName = node.inputs[0]!;
      const yName = node.outputs[0]!;
      const inShape = ctx.info(xName).shape;
      const p = plan(node, inShape);
      if (p.passes.length === 0) {
        ctx.line(`memcpy(${ctx.ptr(yName)}, ${ctx.ptr(xName)}, ${numel(inShape) * 4});`);
        return;
      }
      ctx.useRuntime("resize_f32");
      const most = intermediateElements(inShape, p);
      const buffers = bufferCount(p) > 0 ? [`((float *)${ctx.scratch()})`, `((float *)${ctx.scratch()} + ${most})`] : [];
      const shape = [...inShape];
      let src = ctx.ptr(xName);
      p.passes.forEach((pass, i) => {
        const dst = i === p.passes.length - 1 ? ctx.ptr(yName) : buffers[i % 2]!;
        const outer = numel(shape.slice(0, pass.axis));
        const inner = numel(shape.slice(pass.axis + 1));
        const idx = ctx.constArray("int32_t", Array.from(pass.indices));
        const w = ctx.constArray("float", Array.from(pass.weights));
        ctx.line(`eg_resize_axis_f32(${src}, ${dst}, ${outer}, ${pass.inLen}, ${pass.outLen}, ${inner}, ${pass.taps}, ${idx}, ${w}, ${cLiteral("float32", p.extrapolation)});`);
        shape[pass.axis] = pass.outLen;
        src = dst;
      });
    },
    macs(node, [x]) {
      const shape = [...x!.shape];
      return plan(node, x!.shape).passes.reduce((sum, pass) => {
        shape[pass.axis] = pass.outLen;
        return sum + numel(shape) * pass.taps;
      }, 0);
    },
    ...extra,
  };
}

const Resize = resizeOp("Resize", planResize, {
  forms: "opsets 10-19: scales or sizes (opset 18: for `axes` only; keep_aspect_ratio_policy), antialias (linear, cubic), every coordinate_transformation_mode incl. half_pixel_symmetric (19) and tf_crop_and_resize",
  constInputs: [
    { index: 1, attr: "roi" },
    { index: 2, attr: "scales" },
    { index: 3, attr: "sizes" },
  ],
  canonicalize(node, opset) {
    if (opset >= 11) return node;
    // Resize-10 is (X, scales): its input 1 was folded under the opset-11 name "roi".
    return withAttrs(node, { scales: node.attrs["roi"], roi: undefined, coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" });
  },
});

const Upsample = resizeOp("Upsample", planUpsample, {
  forms: "opsets 7 (scales attribute) and 9 (scales input)",
  inputs: { min: 1, max: 2 },
  constInputs: [{ index: 1, attr: "scales" }],
});

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const RESIZE_OPS: readonly OpDef[] = [Resize, Upsample];
