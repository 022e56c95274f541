import { fail } from "../../errors.js";
import { nodeLabel, type Node } from "../../ir/graph.js";
import { getOp } from "../../ir/registry.js";
import type { Tensor } from "../../ir/tensor.js";
import { convertAttributes } from "./attributes.js";
import { has, type AttributeMsg, type GraphMsg, type NodeMsg } from "./messages.js";
import { ATTR_TYPE } from "./schema.js";
import { tensorFromProto } from "./tensor-proto.js";

/**
 * ONNX nodes as the importer hands them to the core, plus the subgraphs of the control-flow ops
 * (If's branches, Loop's and Scan's bodies), which the core never sees: control-flow.ts expands
 * them into plain nodes before the graph is built.
 */

/** The ops whose graph-valued attributes the importer expands (every other subgraph is refused). */
export const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set(["If", "Loop", "Scan"]);

/** A subgraph attribute in importer form: its own inputs, outputs, initializers and nodes. */
export interface SubGraph {
  readonly name: string;
  /** Formal inputs (Loop: iteration, condition, carried values; Scan: states, scan elements). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly constants: ReadonlyMap<string, Tensor>;
  readonly nodes: readonly Node[];
  /** Subgraphs of the control-flow nodes among `nodes`, by node name. */
  readonly subgraphs: ReadonlyMap<string, Subgraphs>;
}

/** A control-flow node's subgraph attributes by attribute name (`then_branch`, `body`...). */
export type Subgraphs = Readonly<Record<string, SubGraph>>;

export interface ConvertedNodes {
  readonly nodes: Node[];
  readonly subgraphs: Map<string, Subgraphs>;
}

function isGraphAttribute(a: AttributeMsg): boolean {
  return a.type === ATTR_TYPE.GRAPH || a.type === ATTR_TYPE.GRAPHS || has(a, "g") || a.graphs.length > 0;
}

/**
 * Nodes with ops spelled for the registry (`domain:op` outside the default domain) and names
 * unique within the list. Graph attributes of If/Loop/Scan are converted to SubGraphs; any other
 * op's graph attribute is refused by convertAttributes.
 */
export function convertNodeList(list: readonly NodeMsg[], subject: string): ConvertedNodes {
  const used = new Set<string>();
  const subgraphs = new Map<string, Subgraphs>();
  const nodes = list.map((n, index) => {
    const opType = n.op_type || fail("parse", subject, `node ${index}${n.name ? ` ("${n.name}")` : ""} has no op_type; the model file is corrupt`);
    const op = isDefaultDomain(n.domain) ? opType : `${n.domain}:${opType}`;
    const name = uniqueName(n.name || `${opType}_${index}`, used);
    const controlFlow = CONTROL_FLOW_OPS.has(op);
    const plain = controlFlow ? n.attribute.filter((a) => !isGraphAttribute(a)) : n.attribute;
    const attrs = convertAttributes({ name, op }, plain);
    const node: Node = { name, op, inputs: [...n.input], outputs: [...n.output], attrs };
    if (controlFlow) subgraphs.set(name, convertGraphAttributes(node, n.attribute.filter(isGraphAttribute)));
    checkRequiredInputs(node);
    return node;
  });
  return { nodes, subgraphs };
}

function convertGraphAttributes(node: Node, attrs: readonly AttributeMsg[]): Subgraphs {
  const out: Record<string, SubGraph> = {};
  for (const a of attrs) {
    const name = a.name ?? "";
    if (!has(a, "g") || !a.g) fail("bad-attribute", nodeLabel(node), `attribute "${name}" is a list of graphs, which ${node.op} does not take`);
    out[name] = convertSubgraph(a.g as GraphMsg, `subgraph "${name}" of ${nodeLabel(node)}`);
  }
  return out;
}

/** A GraphProto held by an attribute (a branch or loop body). */
export function convertSubgraph(graph: GraphMsg, subject: string): SubGraph {
  if (graph.sparse_initializer.length > 0) fail("unsupported-dtype", subject, "holds a sparse initializer, which Egret does not support; store it as a dense initializer");
  const constants = new Map<string, Tensor>();
  graph.initializer.forEach((t, i) => {
    const name = t.name || fail("parse", subject, `initializer ${i} has no name; the model file is corrupt`);
    constants.set(name, tensorFromProto(t, `initializer "${name}" of ${subject}`));
  });
  const { nodes, subgraphs } = convertNodeList(graph.node, subject);
  return {
    name: graph.name ?? "",
    inputs: graph.input.map((v, i) => v.name || fail("parse", subject, `input ${i} has no name; the model file is corrupt`)),
    outputs: graph.output.map((v, i) => v.name || fail("parse", subject, `output ${i} has no name; the model file is corrupt`)),
    constants,
    nodes,
    subgraphs,
  };
}

export function isDefaultDomain(domain: string | undefined): boolean {
  return domain === undefined || domain === "" || domain === "ai.onnx";
}

/**
 * ONNX spells an absent optional input as "". Below the op's minimum arity an input is required,
 * and op `infer` hooks rely on getting a value there, so "" is rejected here (the core's arity
 * check counts it as present).
 */
function checkRequiredInputs(node: Node): void {
  const def = getOp(node.op);
  if (!def) return;
  const absent = node.inputs.findIndex((x, i) => x === "" && i < def.inputs.min);
  if (absent >= 0) fail("missing-tensor", nodeLabel(node), `input ${absent} is required by ${node.op}, but the model leaves it empty`);
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}
