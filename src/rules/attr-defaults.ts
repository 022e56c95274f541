import type { AttrValue } from "../ir/graph.js";

/**
 * ONNX defaults of attributes that rules test, so `(Conv ... :group 1)` also matches a Conv
 * without a group attribute. An absent attribute with no entry here only matches `nil`.
 */
const DEFAULTS: Readonly<Record<string, Readonly<Record<string, AttrValue>>>> = {
  Conv: { group: 1, auto_pad: "NOTSET" },
  Gemm: { alpha: 1, beta: 1, transA: 0, transB: 0 },
  BatchNormalization: { epsilon: 1e-5, training_mode: 0 },
  LeakyRelu: { alpha: 0.01 },
  Dropout: { training_mode: 0 },
  Pad: { mode: "constant", value: 0 },
  MaxPool: { auto_pad: "NOTSET", ceil_mode: 0, storage_order: 0 },
  AveragePool: { auto_pad: "NOTSET", ceil_mode: 0, count_include_pad: 0 },
  Flatten: { axis: 1 },
};

export function attrDefault(op: string, key: string): AttrValue | undefined {
  return DEFAULTS[op]?.[key];
}
