import type { AttrValue, Graph, ValueInfo } from "../ir/graph.js";
import { Tensor } from "../ir/tensor.js";
import { decodeAttrs } from "./attrs-codec.js";
import type { EncodedGraph } from "./encode.js";
import { leafField, LEAF_OPS } from "./ir-node.js";

/** Longest attribute text shown in a DOT node label; longer text is cut with "...". */
const MAX_LABEL_ATTRS = 80;

/**
 * The e-graph as Graphviz DOT: one cluster per e-class (labelled with its id and type; graph
 * outputs are drawn bold and name the output), one box per e-node (op and attributes), and an
 * edge from each e-node to each child class (drawn to the class's first node, clipped at the
 * cluster with `lhead`). Deterministic: classes by id, nodes in the e-graph's key order.
 */
export function egraphToDot(encoded: EncodedGraph): string {
  const { egraph, context } = encoded;
  const outputNames = new Map<number, string[]>();
  encoded.source.outputs.forEach((o, i) => {
    const id = egraph.find(encoded.outputs[i]!);
    outputNames.set(id, [...(outputNames.get(id) ?? []), o.name]);
  });
  const ids = [...egraph.classIds()].sort((a, b) => a - b);
  const lines = ["digraph egraph {", "  compound=true;", "  rankdir=BT;", '  node [shape=box, fontname="monospace", fontsize=10];'];
  const edges: string[] = [];
  for (const id of ids) {
    const eclass = egraph.getClass(id);
    const outputs = outputNames.get(id);
    const label = `c${id} : ${typeToString(eclass.data.types)}${outputs === undefined ? "" : ` (output ${outputs.join(", ")})`}`;
    lines.push(`  subgraph cluster_${id} {`, `    label=${quote(label)};`, `    style=${outputs === undefined ? "rounded" : '"rounded,bold"'};`);
    eclass.nodes.forEach((node, i) => {
      lines.push(`    n${id}_${i} [label=${quote(nodeLabel(node.op, node.attrs, context.table.nameOf.bind(context.table)))}];`);
      node.children.forEach((child, k) => {
        const target = egraph.find(child);
        edges.push(`  n${id}_${i} -> n${target}_0 [lhead=cluster_${target}, label="${k}"];`);
      });
    });
    lines.push("  }");
  }
  return [...lines, ...edges, "}", ""].join("\n");

  function nodeLabel(op: string, attrs: string, nameOfDigest: (digest: string) => string | undefined): string {
    if (op === "Input") return `Input ${leafField({ op, attrs, children: [] }, "name")}`;
    if (op === "Const") {
      const digest = leafField({ op, attrs, children: [] }, "digest");
      return `Const ${nameOfDigest(digest) ?? digest.slice(0, 8)}`;
    }
    if (LEAF_OPS.has(op) || attrs === "") return attrs === "" ? op : `${op}\n${attrs}`;
    const text = formatAttrs(decodeAttrs(attrs, context.table));
    return text === "" ? op : `${op}\n${text.length > MAX_LABEL_ATTRS ? `${text.slice(0, MAX_LABEL_ATTRS)}...` : text}`;
  }
}

/**
 * A graph as readable text, one line per node in program order:
 *   `outputs = Op[attr=value, ...](inputs) : dtype[shape]`
 * after a header listing inputs, outputs and constants (`name : dtype[shape]`). Unused outputs
 * and absent inputs print as `_`; tensor-valued attributes print as `<dtype[shape]>`.
 */
export function graphToText(graph: Graph): string {
  const type = (name: string): string => {
    const info = graph.values.get(name) ?? (graph.constants.has(name) ? infoOf(graph.constants.get(name)!) : undefined);
    return info === undefined ? "?" : typeToString([info]);
  };
  const lines = [`graph ${graph.name}`];
  for (const input of graph.inputs) lines.push(`input ${input.name} : ${typeToString([input])}`);
  for (const output of graph.outputs) lines.push(`output ${output.name} : ${typeToString([output])}`);
  for (const [name, tensor] of [...graph.constants].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) lines.push(`const ${name} : ${typeToString([infoOf(tensor)])}`);
  lines.push("");
  for (const node of graph.nodes) {
    const outputs = node.outputs.map((o) => (o === "" ? "_" : o)).join(", ");
    const attrs = formatAttrs(node.attrs);
    const inputs = node.inputs.map((i) => (i === "" ? "_" : i)).join(", ");
    const used = node.outputs.filter((o) => o !== "");
    const types = used.length === 1 ? type(used[0]!) : `(${used.map(type).join(", ")})`;
    lines.push(`${outputs} = ${node.op}${attrs === "" ? "" : `[${attrs}]`}(${inputs}) : ${types}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `float32[1,3,8,8]` (a scalar is `float32[]`); several types as a parenthesised list. */
function typeToString(types: readonly ValueInfo[]): string {
  const one = (t: ValueInfo) => `${t.dtype}[${t.shape.join(",")}]`;
  return types.length === 1 ? one(types[0]!) : `(${types.map(one).join(", ")})`;
}

function infoOf(tensor: Tensor): ValueInfo {
  return { dtype: tensor.dtype, shape: tensor.shape };
}

/** `key=value` pairs sorted by key, e.g. `pads=[1,1,1,1], activation="Relu"`. */
function formatAttrs(attrs: Readonly<Record<string, AttrValue>>): string {
  return Object.keys(attrs)
    .sort()
    .map((key) => `${key}=${formatValue(attrs[key]!)}`)
    .join(", ");
}

function formatValue(value: AttrValue): string {
  if (value instanceof Tensor) return `<${typeToString([infoOf(value)])}>`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  return `[${(value as readonly (number | string)[]).map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(",")}]`;
}

/** A DOT double-quoted string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
