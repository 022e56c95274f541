import { autoRange } from "./auto.js";
import { klRange } from "./kl.js";
import { minMaxRange } from "./minmax.js";
import { mseRange } from "./mse.js";
import { percentileRange } from "./percentile.js";
import type { RangeMethod } from "./types.js";

export type { Range, RangeContext, RangeMethod } from "./types.js";
export { withZero } from "./types.js";
export { quantizationError } from "./error.js";

/** `--calib-method` values; the first, `auto`, is the default (docs/quantization.md). */
export const CALIBRATION_METHODS = ["auto", "minmax", "percentile", "kl", "mse"] as const;
export type CalibrationMethodName = (typeof CALIBRATION_METHODS)[number];

/** The method used when none is given. */
export const DEFAULT_CALIBRATION_METHOD: CalibrationMethodName = "auto";

export function rangeMethod(name: CalibrationMethodName): RangeMethod {
  switch (name) {
    case "auto": return autoRange;
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
