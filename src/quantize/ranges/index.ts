import { klRange } from "./kl.js";
import { minMaxRange } from "./minmax.js";
import { mseRange } from "./mse.js";
import { percentileRange } from "./percentile.js";
import type { RangeMethod } from "./types.js";

export type { Range, RangeContext, RangeMethod } from "./types.js";
export { withZero } from "./types.js";

/** `--calib-method` values. */
export const CALIBRATION_METHODS = ["minmax", "percentile", "kl", "mse"] as const;
export type CalibrationMethodName = (typeof CALIBRATION_METHODS)[number];

export function rangeMethod(name: CalibrationMethodName): RangeMethod {
  switch (name) {
    case "minmax": return minMaxRange;
    case "percentile": return percentileRange();
    case "kl": return klRange;
    case "mse": return mseRange;
  }
}

/** Whether the method reads histograms (a second calibration pass). */
export function needsHistogram(name: CalibrationMethodName): boolean {
  return name !== "minmax";
}
