/**
 * Cases that fail for a documented reason outside Egret: the expected output itself is not what
 * the operator computes. They stay FAILED in every count (never a loosened tolerance, never a
 * pass); the report prints the reason in front of the mismatch, and a known exception that starts
 * passing fails with a request to remove it from this list.
 */
export const KNOWN_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  [
    "test_averagepool_2d_ceil_last_window_starts_on_pad",
    "the expected values were typed by hand to 4 decimals in onnx's generator; Egret computes the exact sum / 9",
  ],
]);
