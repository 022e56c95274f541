/** Public library API: the CLI is a thin layer over these. */
import "./ir/ops/index.js";

export { EgretError } from "./errors.js";
export type { ErrorCode } from "./errors.js";
export { buildGraph } from "./ir/build.js";
export type { RawModel, RawInput, BuildOptions } from "./ir/build.js";
export type { Graph, Node, ValueInfo, NamedValue, AttrValue } from "./ir/graph.js";
export { Tensor } from "./ir/tensor.js";
export type { DType } from "./ir/dtype.js";
export { getOp, allOps } from "./ir/registry.js";
export { importModelFile, importModelBytes } from "./importers/index.js";
export { runGraph } from "./interp/run.js";
export { LIMITS } from "./limits.js";
export { compileGraph, TARGETS } from "./compile.js";
export type { CompileOptions, CompileResult, CompileSummary, Target } from "./compile.js";
export { checkOutputDir, writeOutputDir, type OutputOptions } from "./output.js";
