/**
 * TFLite's int16 sigmoid and tanh (reference_integer_ops::Logistic / Tanh for int16): linear
 * interpolation in a 256-entry table of sigmoid(i / 24) in unsigned 0.16 fixed point, with
 * tanh(x) = 2 sigmoid(2x) - 1. TFLite Micro's integer LSTM calls both on its Q3.12 gate inputs and
 * on the cell state. The table holds TFLite's values (sigmoid_table_uint16); it is not exactly
 * round(65536 sigmoid(i / 24)), so it is data here, not computed. The generated C receives the same
 * table as a parameter array (runtime-c/kernels/qlstm_i8.c).
 */
export const SIGMOID_TABLE_U16: readonly number[] = [
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
  43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
  51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
  57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
  61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
  63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
  64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
  64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
  65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
  65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
  65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
  65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
  65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
  65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
  65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
  65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
];

/** C's (int16_t) conversion of an int32 value. */
const toInt16 = (v: number) => (v << 16) >> 16;

/**
 * int16 Logistic with TFLite's (input_multiplier, input_left_shift): multiplier 0 means the
 * power-of-two case, 3 << left_shift with no shift. Output Q0.15.
 */
export function sigmoid16(x: number, inputMultiplier: number, inputLeftShift: number): number {
  const mult = inputMultiplier === 0 ? 3 << inputLeftShift : inputMultiplier;
  const shift = inputMultiplier === 0 ? 0 : inputLeftShift;
  const round = shift > 0 ? 1 << (shift - 1) : 0;
  const v = (x * mult + round) >> shift;
  const abs = Math.abs(v);
  const uh = abs >>> 9;
  let result: number;
  if (uh >= 255) result = 0x7fff << 10;
  else {
    const ua = SIGMOID_TABLE_U16[uh]!;
    const ub = SIGMOID_TABLE_U16[uh + 1]!;
    result = ua * 512 + (abs & 0x1ff) * (ub - ua);
  }
  result = v >= 0 ? result + (1 << 9) : (1 << 25) - result + (1 << 9) - 1;
  return toInt16(Math.floor(result / 1024));
}

/** int16 Tanh with TFLite's (input_multiplier, input_left_shift), as sigmoid16. Output Q0.15. */
export function tanh16(x: number, inputMultiplier: number, inputLeftShift: number): number {
  const mult = inputMultiplier === 0 ? 3 << inputLeftShift : inputMultiplier;
  const shift = inputMultiplier === 0 ? 0 : inputLeftShift;
  const round = shift > 0 ? 1 << (shift - 1) : 0;
  const v = (x * mult + round) >> shift;
  const abs = Math.abs(v);
  const uh = abs >>> 8;
  let result: number;
  if (uh >= 255) result = 0xffff << 8;
  else {
    const ua = SIGMOID_TABLE_U16[uh]!;
    const ub = SIGMOID_TABLE_U16[uh + 1]!;
    result = ua * 256 + (abs & 0xff) * (ub - ua);
  }
  // int32 arithmetic, then an arithmetic shift (floor) of a possibly negative value.
  result = v >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return toInt16(Math.floor(result / 256));
}
