import { fail } from "../../errors.js";
import { quantizationError } from "./error.js";
import { klRange } from "./kl.js";
import { minMaxRange } from "./minmax.js";
import { mseRange } from "./mse.js";
import { percentileRange } from "./percentile.js";
import { withZero, type Range, type RangeMethod } from "./types.js";

/** The methods `auto` chooses from (min/max first: it wins ties). */
const CANDIDATES: readonly RangeMethod[] = [minMaxRange, percentileRange(), klRange, mseRange];

/**
 * How much more squared error than the best candidate's a wider range may have and still be
 * chosen (3 dB: clipping is taken only where it halves the error). Calibration sets are small, so
 * the tails they show are a sample: on the corpus' IC ResNet-8 "large" (10 calibration images)
 * ranges 1.1 to 1.5 dB better on the calibration data than min/max cost 4.4 dB of output SQNR on
 * the evaluation images (bench:ptq; 1 dB was the first setting).
 */
export const AUTO_TOLERANCE_DB = 3;

/**
 * The default: per tensor, each candidate range (min/max, percentile, KL, MSE) is measured by its
 * squared quantization error over that tensor's calibration values (exact zeros cost nothing),
 * and the widest one within AUTO_TOLERANCE_DB of the least error is taken. No single method is
 * trusted (each fails somewhere: KL on sparse or spiky histograms, min/max with lone outliers,
 * MSE-optimal clipping on new inputs), and the choice cannot be much worse than any of them on
 * the calibration data.
 */
export const autoRange: RangeMethod = (stats, cx) => {
  const h = stats.histogram;
  if (!h) return fail("internal", "automatic calibration", "the tensor has no histogram");
  const candidates = CANDIDATES.map((method) => withZero(method(stats, cx)));
  const errors = candidates.map((r) => quantizationError(h, r, cx));
  const least = Math.min(...errors);
  const limit = least * 10 ** (AUTO_TOLERANCE_DB / 10);
  let best: Range | undefined;
  candidates.forEach((r, i) => {
    if (errors[i]! <= limit && (!best || r.hi - r.lo > best.hi - best.lo)) best = r;
  });
  return best ?? candidates[0]!;
};
