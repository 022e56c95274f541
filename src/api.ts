/**
 * The library, bound to a toolchain: `createEgret(plugins)` gives the API over those target
 * plugins (src/index.ts builds the default one from backends/registry.ts; a test can add a
 * plugin of its own). Every function is the pipeline's or a core module's, with the toolchain's
 * op registry and file readers filled in.
 */
import { describeGraph as describeWith, type ModelInfo } from "./describe.js";
import type { Graph } from "./ir/graph.js";
import { buildGraph as buildWith, type BuildOptions, type RawModel } from "./ir/build.js";
import type { Tensor } from "./ir/tensor.js";
import { importModelBytes as importBytes, importModelFile as importFile, type ImportOptions } from "./importers/index.js";
import { runGraph as runWith, type RunOptions } from "./interp/run.js";
import { compile as compileWith, type CompileResult } from "./pipeline/compile.js";
import { optimizePhase } from "./pipeline/optimize-phase.js";
import type { CompileOptions, QuantizeOptions } from "./pipeline/options.js";
import { quantizeModel as quantizeWith } from "./pipeline/quantize-model.js";
import { loadUserRules } from "./pipeline/rule-set.js";
import type { Measurement, MeasureRequest, TargetMeasurement, TargetPlugin } from "./pipeline/target.js";
import { fail } from "./errors.js";
import { createToolchain, DEFAULT_TARGET, type Toolchain } from "./pipeline/toolchain.js";
import type { RuleAst } from "./rules/ast.js";

export interface Egret {
  readonly toolchain: Toolchain;
  /** A model file or its bytes -> the IR (formats recognised by content; the plugins' compiled formats refused). */
  importModelFile(path: string, options?: ImportOptions): Graph;
  importModelBytes(bytes: Uint8Array, sourceName: string, options?: ImportOptions): Graph;
  /** The pipeline: optimize, quantize, lower, emit, target files (src/pipeline/compile.ts). */
  compile(graph: Graph, options?: CompileOptions): CompileResult;
  /** The optimize phase alone: the program extraction gives for the target, before quantization and lowering. */
  optimizeModel(graph: Graph, options?: CompileOptions): Graph;
  /** The optimize and quantize phases alone (`egret eval`, the PTQ bench). */
  quantizeModel(graph: Graph, options: CompileOptions & { readonly quantize: QuantizeOptions }): ReturnType<typeof quantizeWith>;
  /** User rule files, parsed and (unless `check` is false) soundness-checked. */
  loadRules(paths: readonly string[], check?: boolean): RuleAst[];
  /** A raw model (e.g. built by hand) -> the IR, with the toolchain's ops. */
  buildGraph(raw: RawModel, options?: BuildOptions): Graph;
  /** `egret info`'s figures: inputs, outputs, op counts, parameters, MACs. */
  describeGraph(graph: Graph): ModelInfo;
  /** Builds, runs and measures a program on a target that can (`Target.measurement`), with this library's compile. */
  measure(graph: Graph, target: string, request: MeasureRequest): Measurement;
  /** The kernel sets `measure` can build for a target; fails for a target that cannot be measured. */
  kernelSets(target: string): readonly MeasureRequest["kernels"][];
  /** The reference interpreter with the toolchain's ops. */
  runGraph(graph: Graph, inputs: readonly Tensor[], options?: Omit<RunOptions, "ops">): Tensor[];
}

function measurementOf(toolchain: Toolchain, name: string): TargetMeasurement {
  const measurable = toolchain.targets.filter((t) => t.measurement !== undefined);
  const measurement = measurable.find((t) => t.name === name)?.measurement;
  if (measurement === undefined) fail("bad-option", "option --target", `"${name}" cannot be built and run here; choose one of: ${measurable.map((t) => t.name).join(", ")}`);
  return measurement;
}

export function createEgret(plugins: readonly TargetPlugin[]): Egret {
  const toolchain = createToolchain(plugins);
  const withReaders = (options: ImportOptions = {}): ImportOptions => ({ foreignFormats: toolchain.readers, ...options });
  return {
    toolchain,
    importModelFile: (path, options) => importFile(path, withReaders(options)),
    importModelBytes: (bytes, sourceName, options) => importBytes(bytes, sourceName, withReaders(options)),
    compile: (graph, options) => compileWith(toolchain, graph, options),
    optimizeModel: (graph, options = {}) => optimizePhase({ toolchain, target: toolchain.target(options.target ?? DEFAULT_TARGET), options }, graph, "float").graph,
    quantizeModel: (graph, options) => quantizeWith(toolchain, graph, options),
    loadRules: (paths, check = true) => loadUserRules(toolchain, paths, check),
    buildGraph: (raw, options) => buildWith(raw, toolchain.ops, options),
    describeGraph: (graph) => describeWith(graph, toolchain.ops),
    kernelSets: (name) => measurementOf(toolchain, name).kernelSets,
    measure(graph, name, request) {
      return measurementOf(toolchain, name).measure(graph, request, (g, o) => {
        const r = compileWith(toolchain, g, o);
        return { files: r.files, program: r.graph, arenaBytes: r.summary.arenaBytes, ops: toolchain.ops };
      });
    },
    runGraph: (graph, inputs, options = {}) => runWith(graph, inputs, { ...options, ops: toolchain.ops }),
  };
}
