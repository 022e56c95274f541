/**
 * Orders strings by UTF-16 code units: the same order on every machine. `localeCompare` depends on
 * the machine's locale (ICU collation), so it must never order anything that reaches an output file.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
