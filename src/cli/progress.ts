import cliProgress, { type Options, type Params, type SingleBar } from "cli-progress";
import type { ProgressEvent, ProgressListener } from "../util/progress.js";

/** Where the line goes: process.stderr, or a fake terminal in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const COUNTED_FORMAT = "egret: {task} [{bar}] {value}/{total}{detail}";

/** The payload cli-progress carries for us: what is being done, and whether it is counted. */
interface Payload {
  readonly task: string;
  readonly detail: string;
  readonly counted: boolean;
}

/**
 * Counted work gets a bar (`egret: saturating [#####...............] 5/12 133 e-nodes`); work without
 * a total gets the plain line `egret: extracting`.
 */
function formatLine(options: Options, params: Params, payload: Payload): string {
  if (!payload.counted) return `egret: ${payload.task}${payload.detail}`;
  return cliProgress.Format.Formatter({ ...options, format: COUNTED_FORMAT }, params, payload);
}

/** The bar currently shown (one per process: the CLI runs one command). Its redraw timer keeps the
 * process alive until `clearProgress` stops it; the CLI calls that after every command, whatever its end. */
let shown: SingleBar | undefined;

function payloadOf(e: ProgressEvent): Payload {
  return { task: e.task, detail: e.detail === undefined ? "" : ` ${e.detail}`, counted: e.total !== undefined && e.total > 0 };
}

/**
 * The library's progress events as one status line on a terminal, drawn and throttled by cli-progress.
 * Nothing at all with --quiet, in JSON mode, or when the stream is not a terminal (a pipe or a file
 * gets only the real output).
 */
export function progressLine(opts: { quiet?: boolean; json?: boolean }, stream: ProgressStream = process.stderr): ProgressListener | undefined {
  if (opts.quiet === true || opts.json === true || stream.isTTY !== true) return undefined;
  return (event) => {
    const payload = payloadOf(event);
    const total = payload.counted ? event.total! : 0;
    if (shown === undefined) {
      shown = new cliProgress.SingleBar({
        format: formatLine,
        stream: stream as NodeJS.WritableStream,
        barsize: 20,
        barCompleteChar: "#",
        barIncompleteChar: ".",
        clearOnComplete: true,
        hideCursor: false,
      });
      shown.start(total, event.done, payload);
    } else {
      shown.setTotal(total);
      shown.update(event.done, payload);
    }
  };
}

/** Stops and clears the status line, if one is shown, so results and errors start on a clean line. */
export function clearProgress(): void {
  shown?.stop();
  shown = undefined;
}
