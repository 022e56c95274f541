import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";
import { NHWC_TO_NCHW, permute, type QTensor } from "./context.js";
import { cosineSimilarity, SqnrAccumulator } from "./metrics.js";
import { runGraph } from "../interp/run.js";
import { CALIBRATION_RUN } from "./calibrate.js";

/** Error of one float tensor's quantized copy, over all compared samples. */
export interface LayerError {
  /** The float program's tensor. */
  readonly tensor: string;
  /** The integer tensor it was compared with and its dtype. */
  readonly quantized: string;
  readonly dtype: string;
  readonly sqnrDb: number;
  /** Mean over samples of the cosine similarity. */
  readonly cosine: number;
}

/** Accumulates per-tensor errors of a quantized program against its float program. */
export class LayerComparison {
  private readonly acc = new Map<string, { sqnr: SqnrAccumulator; cosine: number; n: number; q: QTensor }>();

  constructor(
    private readonly floatProgram: Graph,
    private readonly quantized: Graph,
    /** Float tensor -> its quantized copies (the producer's copy, the first, is compared). */
    private readonly copies: ReadonlyMap<string, readonly QTensor[]>,
    private readonly ops: OpRegistry,
    /**
     * Tensors whose values below a floor are don't-care (a Softmax input, see softmax-range.ts):
     * the float reference is compared clamped at it, as the integer copy is.
     */
    private readonly floors: ReadonlyMap<string, number> = new Map(),
  ) {}

  /** Runs both programs on one sample and returns their graph outputs (float, quantized). */
  add(sample: readonly Tensor[]): { float: Tensor[]; quantized: Tensor[] } {
    const floats = new Map<string, Tensor>();
    const wanted = new Set(this.copies.keys());
    const floatOut = runGraph(this.floatProgram, sample, { ops: this.ops, visit: (name, t) => wanted.has(name) && floats.set(name, t), purpose: CALIBRATION_RUN });
    const qNames = new Map<string, string>();
    for (const [tensor, list] of this.copies) qNames.set(list[0]!.name, tensor);
    const qValues = new Map<string, Tensor>();
    const quantOut = runGraph(this.quantized, sample, { ops: this.ops, visit: (name, t) => qNames.has(name) && qValues.set(name, t), purpose: CALIBRATION_RUN });
    for (const [tensor, list] of this.copies) {
      const q = list[0]!;
      const f = floats.get(tensor);
      const qt = qValues.get(q.name);
      if (!f || !qt) continue;
      const view = q.layout === "nhwc" ? permute(qt, NHWC_TO_NCHW) : qt;
      const deq = Array.from(view.toNumbers(), (v) => q.params.scale * (v - q.params.zeroPoint));
      const floor = this.floors.get(tensor);
      const ref = floor === undefined ? f.toNumbers() : f.toNumbers().map((v) => Math.max(v, floor));
      let entry = this.acc.get(tensor);
      if (!entry) {
        entry = { sqnr: new SqnrAccumulator(), cosine: 0, n: 0, q };
        this.acc.set(tensor, entry);
      }
      entry.sqnr.add(ref, deq);
      entry.cosine += cosineSimilarity(ref, deq);
      entry.n++;
    }
    return { float: floatOut, quantized: quantOut };
  }

  /** Per-tensor results in the float program's execution order, graph inputs (their QQuantize) first. */
  results(): LayerError[] {
    const order = [...this.floatProgram.inputs.map((i) => i.name), ...this.floatProgram.nodes.flatMap((n) => n.outputs)];
    return order.flatMap((tensor) => {
      const e = this.acc.get(tensor);
      return e ? [{ tensor, quantized: e.q.name, dtype: e.q.dtype, sqnrDb: e.sqnr.db, cosine: e.cosine / e.n }] : [];
    });
  }
}
