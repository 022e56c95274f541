import { facts, intsOr, value, type AttrFunctionDef } from "./arg-access.js";
import { spatialPads } from "./window-functions.js";

/**
 * Attribute functions for window ops in the NHWC layout (`layout "NHWC"`, rules/layout.rules):
 * a Pad on an [N, H, W, C] tensor folded into the op's window pads, which keep ONNX's order
 * [begin H, begin W, end H, end W] in both layouts.
 */

/** NHWC axis k is NCHW axis NHWC_AXIS_IN_NCHW[k] (N -> 0, H -> 2, W -> 3, C -> 1). */
const NHWC_AXIS_IN_NCHW: readonly number[] = [0, 2, 3, 1];

/**
 * Pad's `pads`/`axes` over an NHWC tensor as window pads, or undefined unless only H and W are
 * padded and nothing is cropped: the axes are renamed to their NCHW positions and read as
 * spatialPads reads an NCHW Pad.
 */
export function nhwcSpatialPads(pads: readonly number[], axesAttr: readonly number[] | undefined): number[] | undefined {
  const axes = (axesAttr ?? [0, 1, 2, 3]).map((a) => (a < 0 ? a + 4 : a));
  if (axes.some((a) => !(Number.isInteger(a) && a >= 0 && a < 4))) return undefined;
  return spatialPads(pads, axes.map((a) => NHWC_AXIS_IN_NCHW[a]!), 4);
}

export const NHWC_FUNCTIONS: ReadonlyArray<readonly [string, AttrFunctionDef]> = [
  [
    "nhwc-spatial-pads",
    {
      params: ["value", "value", "class"],
      doc: "(nhwc-spatial-pads PADS AXES ?x): Pad's pads on ?x ([N, H, W, C]) as window pads; does not apply unless ?x has rank 4, only H and W are padded and no pad is negative",
      compute: ([p, a, x]) => {
        const pads = intsOr(value(p), () => undefined);
        const axes = value(a) === null ? undefined : intsOr(value(a), () => undefined);
        if (facts(x).type?.shape.length !== 4 || pads === undefined || (value(a) !== null && axes === undefined)) return undefined;
        return nhwcSpatialPads(pads, axes);
      },
    },
  ],
];
