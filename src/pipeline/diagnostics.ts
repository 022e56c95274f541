/**
 * Diagnostics are data: warnings (a result that works but may disappoint: calibration without
 * data, an output file left out) and notes (what the compiler decided: layers kept in float,
 * mixed-precision choices). Phases and targets add them to the compile's list; the result returns
 * them and only the CLI prints them.
 */
export interface Diagnostic {
  readonly severity: "warning" | "note";
  /** What it concerns, e.g. a target's name, "quantize", `node "conv1"`. */
  readonly source: string;
  readonly message: string;
}

/** The list one compile collects. */
export class Diagnostics {
  private readonly list: Diagnostic[] = [];

  warn(source: string, message: string): void {
    this.list.push({ severity: "warning", source, message });
  }

  note(source: string, message: string): void {
    this.list.push({ severity: "note", source, message });
  }

  get all(): readonly Diagnostic[] {
    return this.list;
  }
}
