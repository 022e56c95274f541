import type { ProgressEvent, ProgressListener } from "../util/progress.js";

/** Where the line goes: process.stderr, or a fake terminal in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const BAR_WIDTH = 20;
/** The line currently shown (one per process: the CLI runs one command). */
let shown: ProgressStream | undefined;

/**
 * The library's progress events as one status line on a terminal, rewritten in place:
 * `egret: saturating [########............] 5/12 133 e-nodes`. Nothing at all with --quiet, in
 * JSON mode, or when the stream is not a terminal (a pipe or a file gets only the real output).
 */
export function progressLine(opts: { quiet?: boolean; json?: boolean }, stream: ProgressStream = process.stderr): ProgressListener | undefined {
  if (opts.quiet === true || opts.json === true || stream.isTTY !== true) return undefined;
  return (event) => {
    shown = stream;
    stream.write(`\r\x1b[2K${formatProgress(event)}`);
  };
}

/** Clears the status line, if one is shown, so results and errors start on a clean line. */
export function clearProgress(): void {
  shown?.write("\r\x1b[2K");
  shown = undefined;
}

export function formatProgress(e: ProgressEvent): string {
  const detail = e.detail === undefined ? "" : ` ${e.detail}`;
  if (e.total === undefined || e.total <= 0) return `egret: ${e.task}${detail}`;
  const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * e.done) / e.total));
  return `egret: ${e.task} [${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${e.done}/${e.total}${detail}`;
}
