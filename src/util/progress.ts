/**
 * Progress of long work (saturation, extraction, calibration, firmware builds and QEMU runs) as
 * data: the library reports events through an optional listener and never prints; the CLI decides
 * whether and how to show them (src/cli/progress.ts). Events carry counts of work, never time.
 */
export interface ProgressEvent {
  /** What is running, e.g. "saturating", "calibrating", "running under QEMU". */
  readonly task: string;
  /** Units done so far (iterations, samples, runs). */
  readonly done: number;
  /** Units in all, when known (for saturation: the iteration limit, an upper bound). */
  readonly total?: number;
  /** A short figure to show beside the count, e.g. "133 e-nodes". */
  readonly detail?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;
