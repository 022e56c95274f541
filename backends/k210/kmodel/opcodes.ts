/**
 * kmodel v4 node opcodes (nncase v0.2's runtime_opcode), by the name the format uses: the one table
 * the writer (writer.ts, plan.ts) and the reader (v4.ts) share.
 */
export const V4_OPCODES = {
  binary: 0x00,
  concat: 0x01,
  conv2d: 0x02,
  dequantize: 0x03,
  matmul: 0x04,
  pad: 0x05,
  quantize: 0x06,
  reduce: 0x07,
  reduce_window2d: 0x08,
  memory_copy: 0x09,
  resize_image: 0x0a,
  softmax: 0x0b,
  transpose: 0x0c,
  strided_slice: 0x0d,
  unary: 0x0e,
  quantized_conv2d: 0x0f,
  quantized_matmul: 0x10,
  quantized_binary: 0x11,
  table_lookup1d: 0x12,
  conv2d_transpose: 0x13,
  nnil_unary_method: 0x14,
  cpu_conv2d: 0x1001,
  cpu_depthwise_conv2d: 0x1002,
  cpu_reduce_window2d: 0x1003,
  cpu_quantized_conv2d: 0x1004,
  cpu_quantized_depthwise_conv2d: 0x1005,
  kpu_upload: 0x2001,
  kpu_conv2d: 0x2002,
} as const;

/** Opcode -> name, for the reader and `egret info`. */
export const V4_OPCODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(V4_OPCODES).map(([name, code]) => [code, name]));
