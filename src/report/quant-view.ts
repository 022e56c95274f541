import type { EvalReport } from "../quantize/evaluate.js";
import { compareStrings } from "../util/compare.js";
import type { QuantView } from "./types.js";

/** Per-layer quantisation error from `evaluateQuantized`, worst (lowest SQNR) layer first. */
export function describeQuantError(report: EvalReport, source: string): QuantView {
  return {
    samples: report.samples,
    source,
    layers: [...report.layers]
      .map((l) => ({ tensor: l.tensor, dtype: l.dtype, sqnrDb: l.sqnrDb, cosine: l.cosine }))
      .sort((a, b) => a.sqnrDb - b.sqnrDb || a.cosine - b.cosine || compareStrings(a.tensor, b.tensor)),
    outputs: report.outputs.map((o) => ({ name: o.name, sqnrDb: o.sqnrDb, cosine: o.cosine, ...(o.top1Agreement === undefined ? {} : { top1Agreement: o.top1Agreement }) })),
    floatFallbacks: report.floatFallbacks,
  };
}
