import { readFileSync } from "node:fs";
import { decodeMessage, type FunctionMsg, type GraphMsg, type ModelMsg, type NodeMsg } from "../../src/importers/onnx/messages.js";
import { ModelProtoType } from "../../src/importers/onnx/schema.js";

/** What the harness needs to know about a model before importing it. */
export interface ModelScan {
  /**
   * Every op the model uses (subgraphs of If/Loop/Scan and the bodies of called model-local
   * functions included, the calls themselves not), as `opKey` spells it.
   */
  readonly ops: ReadonlySet<string>;
  /** Declared graph inputs in file order (initializers included, as old exporters list them). */
  readonly declaredInputs: readonly string[];
  readonly initializers: ReadonlySet<string>;
  /** Declared graph outputs in file order (what output_K.pb of a data set holds). */
  readonly outputs: readonly string[];
  /** Top-level nodes: op key, input tensor names ("" for an absent optional input) and outputs. */
  readonly nodes: readonly { readonly op: string; readonly inputs: readonly string[]; readonly outputs: readonly string[] }[];
}

const DEFAULT_DOMAINS = new Set(["", "ai.onnx"]);

/**
 * The name an ONNX node's op is looked up under: the bare op type in the default domain, and
 * `domain:OpType` elsewhere (`com.microsoft:QLinearConv`), so that an op of another domain never
 * matches a default-domain registry entry of the same name.
 */
export function opKey(domain: string | undefined, opType: string): string {
  return domain === undefined || DEFAULT_DOMAINS.has(domain) ? opType : `${domain}:${opType}`;
}

/**
 * Decodes the model with the importer's protobuf layer only (no IR building), so that the op set
 * can be classified even when the import itself would fail.
 */
export function scanModel(path: string): ModelScan {
  const model = decodeMessage<ModelMsg>(ModelProtoType, readFileSync(path), (reason) => {
    throw new Error(`${path} is not a readable ONNX model: ${reason}`);
  });
  const graph = model.graph;
  if (!graph) throw new Error(`${path} has no graph`);
  const ops = new Set<string>();
  const functions = new Map(model.functions.map((f) => [opKey(f.domain, f.name ?? ""), f]));
  collectOps(graph.node, functions, ops, []);
  return {
    ops,
    declaredInputs: graph.input.map((i) => i.name ?? ""),
    outputs: graph.output.map((o) => o.name ?? ""),
    nodes: graph.node.map((n) => ({ op: opKey(n.domain, n.op_type ?? ""), inputs: n.input, outputs: n.output })),
    initializers: new Set([
      ...graph.initializer.map((t) => t.name ?? ""),
      ...graph.sparse_initializer.map((s) => s.values?.name ?? ""),
    ]),
  };
}

function collectOps(nodes: readonly NodeMsg[], functions: ReadonlyMap<string, FunctionMsg>, into: Set<string>, calling: readonly string[]): void {
  for (const node of nodes) {
    const key = opKey(node.domain, node.op_type ?? "");
    const body = functions.get(key);
    // A function calling itself is left as an op; the importer reports the recursion.
    if (body && !calling.includes(key)) collectOps(body.node, functions, into, [...calling, key]);
    else into.add(key);
    for (const sub of subgraphs(node)) collectOps(sub.node, functions, into, calling);
  }
}

/** Graph-valued attributes (If branches, Loop/Scan bodies); schema.ts decodes them as GraphProto. */
function subgraphs(node: NodeMsg): GraphMsg[] {
  const out: GraphMsg[] = [];
  for (const a of node.attribute) {
    if (a.g) out.push(a.g as GraphMsg);
    for (const g of a.graphs) out.push(g as GraphMsg);
  }
  return out;
}
