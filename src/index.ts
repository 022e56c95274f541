/**
 * Public library API: the CLI is a thin layer over these. The default instance is bound to the
 * target plugins of backends/registry.ts; `createEgret(plugins)` binds another list.
 */
import { TARGET_PLUGINS } from "../backends/registry.js";
import { createEgret, type Egret } from "./api.js";

/** The library over every registered target plugin. */
export const egret: Egret = createEgret(TARGET_PLUGINS);

export const { toolchain, importModelFile, importModelBytes, compile, optimizeModel, quantizeModel, loadRules, buildGraph, runGraph, describeGraph } = egret;
/** Every op the library knows: core ops plus every plugin's. */
export const OPS = toolchain.ops;

export { createEgret, type Egret } from "./api.js";
export { EgretError } from "./errors.js";
export type { ErrorCode } from "./errors.js";
export type { RawModel, RawInput, BuildOptions } from "./ir/build.js";
export type { Graph, Node, ValueInfo, NamedValue, AttrValue } from "./ir/graph.js";
export { Tensor } from "./ir/tensor.js";
export type { DType } from "./ir/dtype.js";
export type { OpDef } from "./ir/op.js";
export type { OpRegistry } from "./ir/registry.js";
export type { ImportOptions } from "./importers/index.js";
export type { ModelInfo, IoInfo } from "./describe.js";
export { LIMITS } from "./ir/limits.js";
export type { CompileResult, CompileSummary, OptimizerSummary } from "./pipeline/compile.js";
export { DUMP_KINDS, type CalibrationSample, type CompileOptions, type DumpKind, type QuantizeOptions } from "./pipeline/options.js";
export type { Diagnostic } from "./pipeline/diagnostics.js";
export type { Target, TargetPlugin, ModelFileReader } from "./pipeline/target.js";
export { DEFAULT_TARGET, type Toolchain } from "./pipeline/toolchain.js";
export { TARGET_PLUGINS } from "../backends/registry.js";
export { checkOutputDir, writeOutputDir, type OutputOptions } from "./output.js";
