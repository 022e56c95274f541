import type { RangeMethod } from "./types.js";

/** The observed extremes: no value clips, at the price of resolution when there are outliers. */
export const minMaxRange: RangeMethod = (stats) => ({ lo: stats.min, hi: stats.max });
