/**
 * TFLite's window geometry (tensorflow/lite/kernels/padding.h): output sizes from the Padding enum
 * and the explicit padding TFLite derives from them. SAME puts the odd cell at the end (bottom /
 * right), which the IR expresses as explicit `pads`.
 */
export const PADDING_SAME = 0;
export const PADDING_VALID = 1;

export interface Window {
  /** Input spatial size [h, w]. */
  readonly input: readonly [number, number];
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly padding: number;
}

/** ComputeOutSize: SAME = ceil(in / stride), VALID = floor((in - effective kernel) / stride) + 1. */
export function outputSize(padding: number, input: number, kernel: number, stride: number, dilation: number): number {
  const effective = (kernel - 1) * dilation + 1;
  return padding === PADDING_SAME ? Math.floor((input + stride - 1) / stride) : Math.trunc((input + stride - effective) / stride);
}

/**
 * ComputePaddingHeightWidth: per axis total = max(0, (out - 1) * stride + effective kernel - in),
 * begin = total / 2 (floored), end = begin + total % 2. Returns [top, left, bottom, right].
 */
export function windowPads(w: Window): number[] {
  const begins: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < 2; i++) {
    const out = outputSize(w.padding, w.input[i]!, w.kernel[i]!, w.strides[i]!, w.dilations[i]!);
    const effective = (w.kernel[i]! - 1) * w.dilations[i]! + 1;
    const total = Math.max(0, (out - 1) * w.strides[i]! + effective - w.input[i]!);
    begins.push(Math.floor(total / 2));
    ends.push(Math.floor(total / 2) + (total % 2));
  }
  return [...begins, ...ends];
}
