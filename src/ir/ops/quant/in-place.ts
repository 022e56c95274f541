import { DTYPES } from "../../dtype.js";
import type { InPlaceInput } from "../../op.js";
import { windowLag } from "../../../schedule/overwrite-lag.js";
import type { ConvPlan } from "./conv.js";

/**
 * `OpDef.inPlace` of the integer kernels. runtime-c/kernels/qconv_i8.c, qconv_i8_dsp.c (two
 * pixels per step, both read before either is written) and qpool_i8.c walk output pixels in
 * order, channels innermost; qbinary_i8.c walks elements in order.
 */

/** The window geometry of a convolution, depthwise convolution or pooling (pooling: o = c). */
export type WindowLayout = Pick<ConvPlan, "dtype" | "n" | "h" | "w" | "c" | "oh" | "ow" | "o" | "kh" | "kw" | "sh" | "sw" | "dh" | "dw" | "padTop" | "padLeft">;

/** Input 0 of a window kernel laid out as `p` describes. */
export function convInPlace(p: WindowLayout): InPlaceInput[] {
  const bytes = DTYPES[p.dtype].bytes;
  return [{ input: 0, lagBytes: windowLag({ ...p, outChannels: p.o, inElementBytes: bytes, outElementBytes: bytes }) }];
}
