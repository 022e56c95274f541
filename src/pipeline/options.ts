import { fail } from "../errors.js";
import { NO_SAFETY_NET, wallClockSafetyNet, type SafetyNet } from "../egraph/safety-net.js";
import type { Tensor } from "../ir/tensor.js";
import type { ExtractorName, OptimizerLimits } from "../optimizer/optimize.js";
import type { ActDType } from "../quantize/params.js";
import type { QuantizeDType } from "../quantize/ptq.js";
import type { CalibrationMethodName } from "../quantize/ranges/index.js";
import type { RuleAst } from "../rules/ast.js";
import type { WeightRoundingName } from "../quantize/weight-rounding.js";
import type { ProgressListener } from "../util/progress.js";
import type { TargetOptionValues } from "./target.js";

/** One calibration input: a tensor per graph input, in graph input order. */
export type CalibrationSample = readonly Tensor[];

export interface CompileOptions {
  /** `--target` name (default `DEFAULT_TARGET`, "host"). */
  readonly target?: string;
  readonly sourceName?: string;
  /** Run the e-graph optimizer (default true); false compiles the imported graph as is. */
  readonly optimize?: boolean;
  /** User rules added to the shipped and target rules (`--rules FILE`, parsed with `loadUserRules`). */
  readonly userRules?: readonly RuleAst[];
  /**
   * Use the target's own rule files (default true). False keeps the target's cost model, lowering
   * and files but not its rules: the "generic kernels" baseline a measurement compares with.
   */
  readonly targetRules?: boolean;
  /** Also compile the unoptimised graph to report kernel calls before optimisation (`--json`). */
  readonly reportBaseline?: boolean;
  /** Extraction: "dag" (default; shared sub-expressions cost once, step-limited) or "greedy". */
  readonly extractor?: ExtractorName;
  /** Overrides of the optimizer's work limits (`OPTIMIZER_LIMITS`; `--limit NAME=N`). */
  readonly limits?: Partial<OptimizerLimits>;
  /**
   * The optimizer's wall-clock safety net in seconds (`--limit seconds=N`): past it the compile
   * fails naming the option, it never returns another program. 0 turns it off. Default
   * `DEFAULT_SAFETY_NET_SECONDS`.
   */
  readonly safetyNetSeconds?: number;
  /**
   * Largest arena in bytes (`--sram-budget`): extraction picks the cheapest candidate program whose
   * planned arena fits, or fails giving the budget and the smallest arena found.
   */
  readonly sramBudget?: number;
  /** Post-training quantization of the extracted float program (`--quantize`). */
  readonly quantize?: QuantizeOptions;
  /**
   * Calibration inputs: they calibrate `quantize`, or feed the lowering of a target that quantises
   * its own layers (`Target.ownQuantization`). Absent: seeded random inputs with a warning.
   */
  readonly calibration?: readonly CalibrationSample[];
  /** Debug dumps returned in `CompileResult.dumps` (`--dump egraph|ir DIR`). */
  readonly dump?: readonly DumpKind[];
  /** Also emit the program with per-kernel profiling hooks (for the target's files; measurement). */
  readonly profile?: boolean;
  /** Let outputs overwrite inputs that die at their node (default true; `--no-in-place`). */
  readonly inPlace?: boolean;
  /**
   * Let a Concat's producers write straight into their slices of its output, so the concat copies
   * nothing (src/schedule/concat-views.ts); default: the target's choice (`Target.emitOptions`), else off.
   */
  readonly concatInPlace?: boolean;
  /** Progress of long work (saturation, extraction, calibration); the CLI shows it on a terminal. */
  readonly onProgress?: ProgressListener;
  /**
   * Values of the target plugin's own options (`TargetPlugin.options`, e.g. an accelerator's
   * `--input-type`), by key; a non-default value of an option the target's plugin does not declare
   * is refused.
   */
  readonly targetOptions?: TargetOptionValues;
}

/** `--quantize` and its companions. */
export interface QuantizeOptions {
  /** Activations int8, uint8 (the int8 kernels) or int16; weights int8. */
  readonly dtype: QuantizeDType;
  /** How ranges are chosen from the calibration statistics (default `DEFAULT_CALIBRATION_METHOD`, "auto"). */
  readonly method?: CalibrationMethodName;
  /** How weights are rounded to int8 (default `DEFAULT_WEIGHT_ROUNDING`, "gptq"). */
  readonly weightRounding?: WeightRoundingName;
  /** One weight scale per output channel (default true) or one per tensor. */
  readonly perChannel?: boolean;
  /** Mixed precision: make the most sensitive activations int16 within this percent of the activation bytes. */
  readonly int16Budget?: number;
  /** Activation dtypes forced per float-program tensor (`--precision-overrides`), and where they came from. */
  readonly overrides?: { readonly dtypes: ReadonlyMap<string, ActDType>; readonly source: string };
  /**
   * The guard-rail (default true): the integer program against the float one on the calibration
   * samples and, refitted without each fold of them, on that fold; a note with the figures and a
   * warning under 20 dB. false skips it (about `HELD_OUT_FOLDS` calibrations less).
   */
  readonly guardRail?: boolean;
  /** Called after each evaluated calibration sample (a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The default wall-clock safety net of the optimizer: far beyond what its work limits take on a
 * starved machine (about a second of CPU for the largest shared model), so it only trips on a
 * bug or a pathological input, and then loudly.
 */
export const DEFAULT_SAFETY_NET_SECONDS = 300;

/** A net that fails the compile after `seconds` (0: no net), naming the option that raises it. */
export function optimizerSafetyNet(seconds: number): SafetyNet {
  if (!(Number.isFinite(seconds) && seconds >= 0)) fail("bad-option", "option --limit seconds", `"${seconds}" is not a number of seconds >= 0 (0 turns the safety net off)`);
  if (seconds === 0) return NO_SAFETY_NET;
  return wallClockSafetyNet(seconds * 1000, (elapsedMs) =>
    fail(
      "limit",
      "optimizer safety net (--limit seconds)",
      `the e-graph optimizer ran ${(elapsedMs / 1000).toFixed(1)} s, past its ${seconds} s wall-clock safety net; its work limits make results independent of time, so it stops the compile rather than return another program. Raise it with --limit seconds=N (0 turns it off), lower --limit iterations/enodes/applications/extraction-steps, or use --no-optimize`,
    ),
  );
}

/** "egraph": the saturated e-graph as DOT; "ir": the graph before and after optimisation as text. */
export const DUMP_KINDS = ["egraph", "ir"] as const;
export type DumpKind = (typeof DUMP_KINDS)[number];
