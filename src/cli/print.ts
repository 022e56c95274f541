import type { Diagnostic } from "../pipeline/diagnostics.js";

/** Prints a compile's warnings and notes on stderr: the library returns them, only the CLI prints. */
export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) console.error(d.severity === "warning" ? `WARNING: ${d.source}: ${d.message}` : `egret: note: ${d.source}: ${d.message}`);
}
