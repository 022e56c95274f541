/**
 * Compile-time operands of the DSP LSTM kernel (runtime-c/kernels/qlstm_i8_dsp.c), built from the
 * four gate matrices of one FC side (input W_i, W_f, W_c, W_o [S, I], or recurrent R_i..R_o [S, S])
 * and the gate biases.
 *
 * Weights as int8 (packLstmGates): per unit s a block of 4 * n bytes: for every 4 columns
 * k = 4j .. 4j + 3 the four gates' 4 bytes in gate order (16 bytes, one word each), then the n % 4
 * tail bytes of gate i, f, c, o; the same 4 * S * n bytes as the four matrices.
 *
 * Or widened to int16 (packLstmGates16), so that the kernel's inner loop is LDM + SMLAD with no
 * SXTB16 (12 instructions per 16 MACs instead of 27): per unit s one contiguous block of
 * 4 * lstmPaddedColumns(n) int16; for every 4 columns k = 4j .. 4j + 3 the gates' pairs in gate order, (w_i[k], w_i[k+1]), (w_i[k+2], w_i[k+3]), then f, c, o (16 int16,
 * two LDMs of 4 words); columns past n are zero. The kernel multiplies them by the vector widened
 * to int16 (zero point NOT subtracted): the zero-point terms are folded into the biases below.
 */
/**
 * Rows (batch x steps) from which the weights are widened: each weight is read once per row, so
 * widening saves about 15 / 16 instruction per weight and row against one more flash byte per
 * weight; from 8 rows on that is >= 7 instructions per flash byte (the conv kernels' WIDE_MIN_PIXELS
 * weighs the same trade). A one-step layer (TFLM's DTLN) keeps its int8 weights.
 */
export const LSTM_WIDE_MIN_ROWS = 8;

export type GateMatrices = readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];

export function packLstmGates(gates: GateMatrices, units: number, n: number): Int8Array {
  const out = new Int8Array(4 * units * n);
  const full = n & ~3;
  const tail = n - full;
  for (let s = 0; s < units; s++) {
    const block = 4 * s * n;
    for (let j = 0; j < full; j += 4) {
      for (let g = 0; g < 4; g++) {
        for (let k = 0; k < 4; k++) out[block + 4 * j + 4 * g + k] = gates[g]![s * n + j + k]!;
      }
    }
    for (let g = 0; g < 4; g++) {
      for (let k = 0; k < tail; k++) out[block + 4 * full + g * tail + k] = gates[g]![s * n + full + k]!;
    }
  }
  return out;
}

/** Columns of one packed gate row: n rounded up to 8 (the kernel's loop takes 8 columns a pass). */
export function lstmPaddedColumns(n: number): number {
  return Math.ceil(n / 8) * 8;
}

export function packLstmGates16(gates: GateMatrices, units: number, n: number): Int16Array {
  const cols = lstmPaddedColumns(n);
  const out = new Int16Array(4 * units * cols);
  for (let s = 0; s < units; s++) {
    for (let j = 0; j < n; j++) {
      const group = 4 * s * cols + 4 * (j & ~3);
      for (let g = 0; g < 4; g++) out[group + 4 * g + (j & 3)] = gates[g]![s * n + j]!;
    }
  }
  return out;
}

/**
 * The 8 folded biases per unit, unit after unit: input gates i, f, c, o then recurrent i, f, c, o:
 * b_g[s] + xOffset * sum_k W_g[s][k] and hOffset * sum_k R_g[s][k] (offset = -zero point), wrapped
 * to int32. The generic kernel sums w * (v + offset) (+ bias) in wrapping int32; the kernel sums
 * w * v from these start values: equal modulo 2^32, so bit-identical.
 */
export function foldLstmBiases(input: GateMatrices, recurrent: GateMatrices, biases: GateMatrices, units: number, inputs: number, xOffset: number, hOffset: number): Int32Array {
  const out = new Int32Array(8 * units);
  const rowSum = (w: ArrayLike<number>, s: number, n: number) => {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += w[s * n + k]!;
    return sum;
  };
  for (let s = 0; s < units; s++) {
    for (let g = 0; g < 4; g++) {
      // |sum| <= 128 * n and |offset| <= 255: exact in a double before the wrap.
      out[8 * s + g] = (biases[g]![s]! + Math.imul(xOffset, rowSum(input[g]!, s, inputs))) | 0;
      out[8 * s + 4 + g] = Math.imul(hOffset, rowSum(recurrent[g]!, s, units)) | 0;
    }
  }
  return out;
}
