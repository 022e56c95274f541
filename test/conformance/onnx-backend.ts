import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { decodeNamedTensorProto } from "../../src/importers/onnx/tensor-proto.js";
import { importModelFile, OPS, Tensor, type Graph } from "../../src/index.js";
import { compareClose } from "../support/c-run.js";
import { buildModel, firstLine, StageError } from "./c-build.js";
import { constGraphInputs } from "./freeze.js";
import { scanModel, type ModelScan } from "./model-ops.js";
import { knownException } from "./known-exceptions.js";
import { suiteDir, type SuiteName } from "./suites.js";

/**
 * The ONNX backend conformance harness: every case of a suite (suites.ts) is
 * classified UNSUPPORTED (an op outside the registry: counted and listed, never skipped silently)
 * or run through import -> compile -> make -> runner and compared with the expected outputs.
 * A case whose ops are all registered but that fails anywhere is FAILED, with its reason.
 */

/** The acceptance tolerances of the conformance run. */
export const RTOL = 1e-4;
export const ATOL = 1e-5;

export type CaseOutcome =
  /** `frozen`: inputs compiled as constants from the data set (see freeze.ts). */
  | { readonly name: string; readonly status: "passed"; readonly frozen?: readonly string[] }
  | { readonly name: string; readonly status: "failed"; readonly reason: string; readonly crashed: boolean }
  | { readonly name: string; readonly status: "unsupported"; readonly ops: readonly string[] };

/** Names of the registered ops: the only thing that decides "unsupported". */
export function registeredOps(): ReadonlySet<string> {
  return new Set(OPS.all().map((op) => op.name));
}

export async function runCase(suite: SuiteName, name: string, registry: ReadonlySet<string>): Promise<CaseOutcome> {
  const dir = suiteDir(suite);
  if (dir === undefined) return failed(suite, name, `the ${suite} suite is not on this machine`);
  const caseDir = join(dir, name);
  const modelPath = join(caseDir, "model.onnx");
  let scan: ModelScan;
  try {
    scan = scanModel(modelPath);
  } catch (e) {
    return failed(suite, name, `parse: ${firstLine(e)}`);
  }
  const missing = [...scan.ops].filter((op) => !registry.has(op)).sort();
  if (missing.length > 0) return { name, status: "unsupported", ops: missing };

  const dataSets = dataSetDirs(caseDir);
  if (dataSets.length === 0) return failed(suite, name, "the case has no test_data_set_* folder");
  const frozen = constGraphInputs(scan);
  try {
    if (frozen.length === 0) {
      // The usual case: one build serves every data set.
      const graph = importing(() => importModelFile(modelPath));
      await withBuild(graph, async (run) => {
        for (const set of dataSets) await checkDataSet(graph, set, namedEntries(scan, readPbs(set, "input")), run);
      });
    } else {
      // Frozen inputs are baked into the C, so each data set gets its own build.
      for (const set of dataSets) {
        const given = namedEntries(scan, readPbs(set, "input"));
        const constantInputs = new Map<string, Tensor>();
        for (const input of frozen) {
          const value = given.get(input);
          if (!value) throw new CaseFailure(`${basename(set)}: the data set has no value for input "${input}"`);
          constantInputs.set(input, value.tensor);
        }
        const graph = importing(() => importModelFile(modelPath, { constantInputs }));
        await withBuild(graph, (run) => checkDataSet(graph, set, given, run));
      }
    }
  } catch (e) {
    return failed(suite, name, firstLine(e), e instanceof StageError && e.crashed);
  }
  const exception = knownException(suite, name);
  if (exception !== undefined) return failed(suite, name, `known exception now passes: remove it from known-exceptions.ts (${exception})`);
  return frozen.length === 0 ? { name, status: "passed" } : { name, status: "passed", frozen };
}

/** A case-level failure whose message is the report's reason. */
class CaseFailure extends Error {}

function importing(load: () => Graph): Graph {
  try {
    return load();
  } catch (e) {
    throw new CaseFailure(`import: ${firstLine(e)}`);
  }
}

type Runner = (inputs: readonly Tensor[]) => Promise<Tensor[]>;

async function withBuild(graph: Graph, use: (run: Runner) => Promise<void>): Promise<void> {
  const built = await buildModel(graph);
  try {
    await use(built.run);
  } finally {
    await built.dispose();
  }
}

/** Runs one data set and throws a CaseFailure unless every output matches. */
async function checkDataSet(graph: Graph, setDir: string, given: ReadonlyMap<string, NamedTensor>, run: Runner): Promise<void> {
  const problem = await dataSetProblem(graph, setDir, given, run);
  if (problem) throw new CaseFailure(`${basename(setDir)}: ${problem}`);
}

async function dataSetProblem(graph: Graph, setDir: string, given: ReadonlyMap<string, NamedTensor>, run: Runner): Promise<string | undefined> {
  const feeds = graphFeeds(graph, given);
  if (typeof feeds === "string") return feeds;
  const expected = readPbs(setDir, "output").map((p) => p.tensor);
  if (expected.length !== graph.outputs.length) {
    return `the model has ${graph.outputs.length} outputs, the data set ${expected.length}`;
  }
  const actual = await run(feeds);
  for (let i = 0; i < expected.length; i++) {
    const got = actual[i]!;
    const want = asDeclared(expected[i]!, got.dtype);
    const label = `output ${i} ("${graph.outputs[i]!.name}")`;
    if (got.dtype !== want.dtype) return `${label} is ${got.dtype}, expected ${want.dtype}`;
    if (got.shape.join(",") !== want.shape.join(",")) return `${label} has shape [${got.shape.join(",")}], expected [${want.shape.join(",")}]`;
    const cmp = compareClose(got, want, RTOL, ATOL);
    if (!cmp.ok) {
      const at = cmp.where >= 0 ? ` (first mismatch at element ${cmp.where}: ${got.toNumbers()[cmp.where]} vs ${want.toNumbers()[cmp.where]})` : "";
      return `${label} differs, max abs error ${cmp.maxAbs.toExponential(2)}${at}`;
    }
  }
  return undefined;
}

export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

/** input_K.pb / output_K.pb of a data set folder, in K order. */
export function readPbs(setDir: string, kind: "input" | "output"): NamedTensor[] {
  const pattern = new RegExp(`^${kind}_\\d+\\.pb$`);
  return readdirSync(setDir)
    .filter((f) => pattern.test(f))
    .sort(byNumber)
    .map((f) => decodeNamedTensorProto(readFileSync(join(setDir, f)), join(setDir, f)));
}

/** The test_data_set_N folders of a folder, in N order. */
export function dataSetDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((d) => /^test_data_set_\d+$/.test(d))
    .sort(byNumber)
    .map((d) => join(dir, d));
}

/**
 * Names data-set inputs after the model's declared inputs: by TensorProto name when it names a
 * declared input, else by position among the declared inputs (the backend runner's rule).
 * Inputs that are initializers are constants of the compiled model and are not fed.
 */
export function namedEntries(scan: ModelScan, given: readonly NamedTensor[]): Map<string, NamedTensor> {
  const byName = new Map<string, NamedTensor>();
  given.forEach((g, k) => {
    const name = scan.declaredInputs.includes(g.name) ? g.name : scan.declaredInputs[k];
    if (name !== undefined && !scan.initializers.has(name)) byName.set(name, g);
  });
  return byName;
}

/** `namedEntries` reduced to the tensors. */
export function namedFeeds(scan: ModelScan, given: readonly NamedTensor[]): Map<string, Tensor> {
  return new Map([...namedEntries(scan, given)].map(([name, g]) => [name, g.tensor]));
}

/**
 * Older ONNX generators (Debian's suite) stored bfloat16 test data as its uint16 bit patterns,
 * numpy having no bfloat16: such a tensor is read as the bfloat16 the model declares.
 */
function asDeclared(t: Tensor, dtype: Tensor["dtype"]): Tensor {
  return t.dtype === "uint16" && dtype === "bfloat16" ? new Tensor("bfloat16", t.shape, t.data) : t;
}

/** The fed tensors in graph input order, or why the data set does not fit the graph. */
function graphFeeds(graph: Graph, byName: ReadonlyMap<string, NamedTensor>): Tensor[] | string {
  const feeds: Tensor[] = [];
  for (const input of graph.inputs) {
    const given = byName.get(input.name)?.tensor;
    if (!given) return `the data set has no value for input "${input.name}"`;
    const t = asDeclared(given, input.dtype);
    if (t.dtype !== input.dtype || t.shape.join(",") !== input.shape.join(",")) {
      return `input "${input.name}" is ${t.dtype}[${t.shape.join(",")}], the model declares ${input.dtype}[${input.shape.join(",")}]`;
    }
    feeds.push(t);
  }
  return feeds;
}

/** A failure; a documented known exception keeps its documentation in front of the reason. */
function failed(suite: SuiteName, name: string, reason: string, crashed = false): CaseOutcome {
  const exception = knownException(suite, name);
  const why = exception === undefined || reason.startsWith("known exception") ? reason : `known exception (${exception}): ${reason}`;
  return { name, status: "failed", reason: why, crashed };
}

/** Orders `input_2.pb` before `input_10.pb` and `test_data_set_2` before `test_data_set_10`. */
function byNumber(a: string, b: string): number {
  const index = (s: string): number => Number(/(\d+)(?:\.pb)?$/.exec(s)?.[1] ?? 0);
  return index(a) - index(b) || a.localeCompare(b);
}

/**
 * Runs the cases two at a time: while gcc builds one case, the other is imported and compiled in
 * this process, which keeps both cores busy without oversubscribing them. Outcomes keep case order.
 */
export async function runCases(suite: SuiteName, cases: readonly string[], concurrency = 2): Promise<CaseOutcome[]> {
  const registry = registeredOps();
  const outcomes = new Array<CaseOutcome>(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      outcomes[i] = await runCase(suite, cases[i]!, registry);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  return outcomes;
}
