/** Post-training quantization (docs/quantization.md): calibrate, choose ranges, rewrite onto the integer ops, compare. */
export { calibrate, type CalibrationOptions, type Sample } from "./calibrate.js";
export { evaluateQuantized, formatEvalReport, type EvalReport } from "./evaluate.js";
export { LayerComparison, type LayerError } from "./layer-compare.js";
export { argmax, cosineSimilarity, sqnrDb, SqnrAccumulator } from "./metrics.js";
export { chooseInt16, int16Candidates, layerSensitivity, readOverrides, schemeJson, sensitivityTargets, type LayerSensitivity } from "./mixed.js";
export { activationParams, quantizeBias, quantizeWeights, type ActDType, type QParams } from "./params.js";
export { activationDType, QUANTIZE_DTYPES, quantizeProgram, quantizeWithStats, type PtqOptions, type PtqResult, type QuantizeDType } from "./ptq.js";
export { quantizeGraph, type FloatFallback, type QuantizedGraph } from "./quantize-graph.js";
export { randomSamples } from "./random-samples.js";
export { CALIBRATION_METHODS, rangeMethod, type CalibrationMethodName, type Range } from "./ranges/index.js";
