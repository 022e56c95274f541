/**
 * Errors are data: every failure carries a literal code, the thing it concerns (node, tensor,
 * option, file...) and a message that says what to do. The CLI prints `message` and exits non-zero.
 */
export type ErrorCode =
  | "parse" // the model file cannot be decoded
  | "unsupported-op"
  | "unsupported-dtype"
  | "bad-attribute"
  | "bad-shape"
  | "missing-tensor"
  | "dynamic-shape"
  | "non-constant"
  | "bad-option"
  | "bad-rule" // a rewrite rule is malformed (unbound variable, duplicate name, ...)
  | "io"
  | "limit" // a size beyond the compile-time budget (src/limits.ts), or a wall-clock safety net tripped (work limits never fail: they stop a search)
  | "internal";

export class EgretError extends Error {
  readonly code: ErrorCode;
  /** What the error is about, e.g. `node "conv1" (Conv)` or `option --input-shape`. */
  readonly subject: string;

  constructor(code: ErrorCode, subject: string, message: string) {
    super(subject ? `${subject}: ${message}` : message);
    this.name = "EgretError";
    this.code = code;
    this.subject = subject;
  }
}

export function fail(code: ErrorCode, subject: string, message: string): never {
  throw new EgretError(code, subject, message);
}
