import { cLiteral } from "../../codegen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt, checkOneOf, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { requireF32 } from "./nn-common.js";

/**
 * NonMaxSuppression (opset 10+) for detection heads, with a static maximum output count. Per
 * batch and class: boxes scoring above score_threshold (when given) are visited by descending
 * score (ties: lower index first); a box is kept unless its IoU with an already kept box of the
 * class exceeds iou_threshold; at most max_output_boxes_per_class are kept. Boxes are
 * [y1, x1, y2, x2] in any corner order (center_point_box 0) or [x_c, y_c, w, h] (1); IoU is
 * computed in float32, as onnxruntime and the ONNX reference do.
 *
 * ONNX's output has one row [batch, class, box] per kept box, a count known only at run time.
 * Static C needs a fixed size: the output has batches * classes * min(max_output_boxes_per_class,
 * boxes) rows, the kept boxes first in ONNX order, and every remaining row is [-1, -1, -1].
 * max_output_boxes_per_class, iou_threshold and score_threshold must be compile-time constants.
 */
interface NmsPlan {
  readonly batches: number;
  readonly classes: number;
  readonly boxes: number;
  readonly maxPerClass: number;
  readonly iouThreshold: number;
  /** undefined: no score filtering. */
  readonly scoreThreshold?: number;
  readonly centerPointBox: boolean;
  readonly rows: number;
}

function plan(node: Node, [boxes, scores]: readonly (ValueInfo | undefined)[]): NmsPlan {
  const bi = requireF32(node, boxes, "boxes");
  const si = requireF32(node, scores, "scores");
  if (bi.shape.length !== 3 || bi.shape[2] !== 4) fail("bad-shape", nodeLabel(node), `boxes must be [batches, boxes, 4], got ${shapeToString(bi.shape)}`);
  const [batches, count] = bi.shape as [number, number];
  if (si.shape.length !== 3 || si.shape[0] !== batches || si.shape[2] !== count) {
    fail("bad-shape", nodeLabel(node), `scores must be [${batches}, classes, ${count}], got ${shapeToString(si.shape)}`);
  }
  const maxPerClass = Math.max(0, attrInt(node, "max_output_boxes_per_class", 0));
  const classes = si.shape[1]!;
  return {
    batches,
    classes,
    boxes: count,
    maxPerClass,
    iouThreshold: Math.fround(attrFloat(node, "iou_threshold", 0)),
    ...(hasAttr(node, "score_threshold") ? { scoreThreshold: Math.fround(attrFloat(node, "score_threshold")) } : {}),
    centerPointBox: checkOneOf(node, "center_point_box", attrInt(node, "center_point_box", 0), [0, 1]) === 1,
    rows: batches * classes * Math.min(maxPerClass, count),
  };
}

/** [x_min, y_min, x_max, y_max] of a box, in float32 as the C kernel computes it. */
function corners(p: NmsPlan, b: ArrayLike<number>, at: number): number[] {
  const f = Math.fround;
  if (p.centerPointBox) {
    const [xc, yc, w, h] = [b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!];
    return [f(xc - f(w / 2)), f(yc - f(h / 2)), f(xc + f(w / 2)), f(yc + f(h / 2))];
  }
  const [y1, x1, y2, x2] = [b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!];
  return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)];
}

function suppresses(p: NmsPlan, a: number[], b: number[]): boolean {
  const f = Math.fround;
  const ix = f(Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const iy = f(Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  if (ix <= 0 || iy <= 0) return false;
  const inter = f(ix * iy);
  const areaA = f(f(a[2]! - a[0]!) * f(a[3]! - a[1]!));
  const areaB = f(f(b[2]! - b[0]!) * f(b[3]! - b[1]!));
  const union = f(f(areaA + areaB) - inter);
  if (areaA <= 0 || areaB <= 0 || union <= 0) return false;
  return f(inter / union) > p.iouThreshold;
}

function reference(p: NmsPlan, boxes: Float64Array, scores: Float64Array): number[] {
  const rows: number[] = [];
  for (let b = 0; b < p.batches; b++) {
    for (let c = 0; c < p.classes; c++) {
      const s = (i: number) => scores[(b * p.classes + c) * p.boxes + i]!;
      const order = Array.from({ length: p.boxes }, (_, i) => i)
        .filter((i) => p.scoreThreshold === undefined || s(i) > p.scoreThreshold)
        .sort((i, j) => s(j) - s(i) || i - j);
      const kept: number[][] = [];
      for (const i of order) {
        if (kept.length >= p.maxPerClass) break;
        const box = corners(p, boxes, (b * p.boxes + i) * 4);
        if (kept.some((k) => suppresses(p, box, k))) continue;
        kept.push(box);
        rows.push(b, c, i);
      }
    }
  }
  while (rows.length < p.rows * 3) rows.push(-1);
  return rows;
}

const NonMaxSuppression: OpDef = {
  name: "NonMaxSuppression",
  family: "detection",
  inputs: { min: 2, max: 5 },
  outputs: { min: 1, max: 1 },
  constInputs: [
    { index: 2, attr: "max_output_boxes_per_class" },
    { index: 3, attr: "iou_threshold" },
    { index: 4, attr: "score_threshold" },
  ],
  infer(node, inputs) {
    return [{ dtype: "int64", shape: [plan(node, inputs).rows, 3] }];
  },
  evaluate(node, [boxes, scores]) {
    const p = plan(node, [boxes!, scores!]);
    return [Tensor.fromNumbers("int64", [p.rows, 3], reference(p, boxes!.toNumbers(), scores!.toNumbers()))];
  },
  emitC(node, ctx) {
    const p = plan(node, node.inputs.slice(0, 2).map((n) => ctx.info(n)));
    const ip = ctx.constArray("int32_t", [p.batches, p.classes, p.boxes, p.maxPerClass, p.centerPointBox ? 1 : 0, p.scoreThreshold === undefined ? 0 : 1]);
    const thresholds = `${cLiteral("float32", p.iouThreshold)}, ${cLiteral("float32", p.scoreThreshold ?? 0)}`;
    ctx.useRuntime("nms_f32");
    ctx.line(`eg_nms_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.inputs[1]!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.rows}, (int32_t *)${ctx.scratch()}, ${ip}, ${thresholds});`);
  },
  scratchBytes(node, inputs) {
    const p = plan(node, inputs);
    return 4 * (p.boxes + Math.min(p.maxPerClass, p.boxes));
  },
};

registerOps([NonMaxSuppression]);
