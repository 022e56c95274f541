import { facts, value, type GuardDef } from "./arg-access.js";

/**
 * Guards on single dimensions, for rules that lower an op onto a kernel specialised for a shape
 * (a target's rule file: a 1x1 or 3x3 kernel, an ungrouped convolution). An axis may be
 * negative (counted from the end); an unknown type or an axis out of range fails the guard.
 */

function dim(shape: readonly number[] | undefined, axisArg: unknown): number | undefined {
  if (shape === undefined || typeof axisArg !== "number" || !Number.isInteger(axisArg)) return undefined;
  const axis = axisArg < 0 ? axisArg + shape.length : axisArg;
  return axis >= 0 && axis < shape.length ? shape[axis] : undefined;
}

export const SHAPE_GUARDS: ReadonlyArray<readonly [string, GuardDef]> = [
  [
    "dim=",
    {
      params: ["class", "value", "value"],
      doc: "(dim= ?x AXIS N): ?x's axis AXIS (negative counts from the end) has size N",
      test: ([x, a, n]) => {
        const d = dim(facts(x).type?.shape, value(a));
        return d !== undefined && d === value(n);
      },
    },
  ],
  [
    "same-dim",
    {
      params: ["class", "value", "class", "value"],
      doc: "(same-dim ?a AXIS_A ?b AXIS_B): ?a's axis AXIS_A and ?b's axis AXIS_B have the same size",
      test: ([a, i, b, j]) => {
        const da = dim(facts(a).type?.shape, value(i));
        return da !== undefined && da === dim(facts(b).type?.shape, value(j));
      },
    },
  ],
];
