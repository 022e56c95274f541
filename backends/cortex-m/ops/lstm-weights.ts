/**
 * The packed gate weights of the DSP LSTM kernel (runtime-c/kernels/qlstm_i8_dsp.c), built at
 * compile time from the four gate matrices of one FC side (input W_i, W_f, W_c, W_o [S, I], or
 * recurrent R_i..R_o [S, S]), so that the kernel reads one contiguous, word-aligned block per unit:
 * for unit s, every 4 columns k = 4j .. 4j + 3 the four gates' 4 bytes in gate order (16 bytes),
 * then the n % 4 tail bytes of gate i, f, c, o. Blocks are 4 * n bytes (word-aligned when the array
 * is); the array holds the same 4 * S * n bytes as the four matrices.
 */
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
