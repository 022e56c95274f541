/**
 * The report model: everything `egret report` shows, as plain data collected from what the compiler
 * already computed (compile result, storage plan, saturation report, evaluation, measured sizes).
 * The HTML view (src/report/render/) reads only this; it computes nothing about the model.
 * Invariant: no wall-clock figures, so the same model and options give the same report.
 */

/** One node of a program graph, with the figures the graph view shows. */
export interface ReportNode {
  /** Index in run order (the node's id in the page). */
  readonly index: number;
  readonly name: string;
  readonly op: string;
  /** Output shape and dtype of the first output ("" when the node has none). */
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly macs: number;
  /** Bytes of the constant inputs (weights, biases) the node reads. */
  readonly weightBytes: number;
  /** The cost model's cycles for this node. */
  readonly predictedCycles: number;
  /** A fused activation: "Relu" on a float Conv, "clamp" on an integer op whose output range is narrowed. */
  readonly fused?: string;
  /** Emits no code (a reshape-like alias of its input). */
  readonly alias: boolean;
  /** From a `bench --per-op --json` profile, when given and the node was measured. */
  readonly measuredInstructions?: number;
}

export interface ReportEdge {
  readonly from: number;
  readonly to: number;
  readonly tensor: string;
}

export interface ProgramView {
  readonly title: string;
  readonly nodes: readonly ReportNode[];
  readonly edges: readonly ReportEdge[];
  readonly totalMacs: number;
  readonly totalPredictedCycles: number;
}

/** One arena buffer: a tensor (or a kernel's scratch) at `offset` for the steps `first..last`. */
export interface ReportBuffer {
  readonly id: string;
  readonly kind: "tensor" | "scratch";
  readonly offset: number;
  readonly bytes: number;
  readonly first: number;
  readonly last: number;
}

export interface MemoryView {
  /** Steps are node indices of the emitted program. */
  readonly steps: number;
  readonly buffers: readonly ReportBuffer[];
  /** Bytes live at each step (sum of buffers whose lifetime covers it). */
  readonly liveBytes: readonly number[];
  /** The planned arena: the highest byte any buffer reaches, aligned. */
  readonly arenaBytes: number;
  /** The layer-wise lower bound: the most bytes live at one step. */
  readonly lowerBound: number;
  /** The step whose buffers reach highest in the arena (the peak the timeline marks). */
  readonly peakStep: number;
  /** The peak's height: the top of the highest buffer at `peakStep`, aligned; equals arenaBytes. */
  readonly peakBytes: number;
  readonly alignment: number;
  /** Bytes the model keeps between calls (0: the generated C keeps no state). */
  readonly stateBytes: number;
  /** Deepest stack of the run function, when a target build measured it. */
  readonly stackBytes?: number;
}

export interface QuantLayerRow {
  readonly tensor: string;
  readonly dtype: string;
  /** Infinity when the layer is exact. */
  readonly sqnrDb: number;
  readonly cosine: number;
}

export interface QuantView {
  readonly samples: number;
  /** What the samples were: calibration samples or separate evaluation data. */
  readonly source: string;
  /** Worst (lowest SQNR) first. */
  readonly layers: readonly QuantLayerRow[];
  /** Per output; top-1 agreement only for outputs read as class scores (see quantize/output-kind). */
  readonly outputs: readonly { readonly name: string; readonly sqnrDb: number; readonly cosine: number; readonly top1Agreement?: number }[];
  readonly floatFallbacks: readonly { readonly node: string; readonly op: string; readonly reason: string }[];
}

export interface EgraphView {
  readonly iterations: readonly { readonly iteration: number; readonly nodes: number; readonly classes: number; readonly applied: number }[];
  readonly stopReason: string;
  readonly nodes: number;
  readonly classes: number;
  readonly ruleApplications: number;
  /** Rules that changed the graph, most applications first. */
  readonly hits: readonly { readonly rule: string; readonly applied: number }[];
  readonly extraction: {
    readonly used: string;
    readonly requested: string;
    readonly costModel: string;
    readonly greedyCost: number;
    readonly cost: number;
    readonly dagStatus?: string;
    readonly sramCandidates?: readonly { readonly label: string; readonly arenaBytes: number; readonly cost: number; readonly chosen: boolean }[];
  };
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  readonly kernelCallsBefore: number;
  readonly kernelCallsAfter: number;
}

/** One bar of the flash/RAM totals. */
export interface SizeItem {
  readonly label: string;
  readonly bytes: number;
}

export interface SizeView {
  /** "measured" from a cross build of the output (targets that have one), "planned" from the compile alone. */
  readonly source: "measured" | "planned";
  readonly flash: readonly SizeItem[];
  readonly ram: readonly SizeItem[];
  readonly flashTotal: number;
  readonly ramTotal: number;
  /** `--sram-budget`, compared with ramTotal's arena. */
  readonly sramBudget?: number;
}

export interface ReportData {
  readonly title: string;
  readonly model: string;
  readonly target: string;
  readonly costModel: string;
  readonly egretVersion: string;
  /** The model as imported (before quantization and the e-graph), and the emitted program. */
  readonly before: ProgramView;
  readonly after: ProgramView;
  readonly memory: MemoryView;
  readonly sizes: SizeView;
  readonly egraph?: EgraphView;
  readonly quant?: QuantView;
  /** The profile file and how many kernel calls of the emitted program it matched. */
  readonly profile?: { readonly file: string; readonly matched: number; readonly kernels: string };
  /** Things the reader should know about how the figures were obtained. */
  readonly notes: readonly string[];
}
