import { canonicalAttrs, type ClassId, type ENode } from "../egraph/enode.js";
import type { Extraction } from "../egraph/extract.js";
import type { Graph, Node, ValueInfo } from "../ir/graph.js";
import type { Tensor } from "../ir/tensor.js";
import { decodeAttrs } from "./attrs-codec.js";
import type { EncodedGraph } from "./encode.js";
import { leafField, outputMask, projIndex } from "./ir-node.js";

/**
 * Extraction -> Graph. Walks from the outputs, emitting each chosen node once after its inputs
 * (so node order is a valid schedule). Tensors keep their source names where a class had one;
 * graph outputs keep theirs exactly (an Identity is added when an output is a graph input, a
 * constant or another output).
 */
export function decodeGraph(encoded: EncodedGraph, extraction: Extraction): Graph {
  const { egraph, context, source } = encoded;
  const find = (id: ClassId) => egraph.find(id);
  const preferred = new Map<ClassId, string>();
  source.outputs.forEach((o, i) => {
    const id = find(encoded.outputs[i]!);
    if (!preferred.has(id)) preferred.set(id, o.name);
  });
  for (const [name, id] of encoded.tensorClasses) if (!preferred.has(find(id))) preferred.set(find(id), name);

  const used = new Set<string>([...encoded.tensorClasses.keys(), ...source.outputs.map((o) => o.name)]);
  let counter = 0;
  const fresh = (hint: string): string => {
    let name: string;
    do name = `${hint}_opt${counter++}`;
    while (used.has(name));
    used.add(name);
    return name;
  };
  // Inputs and imported constants keep their names; no computed tensor may take one.
  const taken = new Set<string>([...source.inputs.map((i) => i.name), ...source.constants.keys()]);
  const claim = (id: ClassId, hint: string): string => {
    const name = preferred.get(id);
    if (name !== undefined && !taken.has(name)) {
      taken.add(name);
      return name;
    }
    return fresh(hint);
  };

  const nodes: Node[] = [];
  const values = new Map<string, ValueInfo>();
  const constants = new Map<string, Tensor>();
  const names = new Map<ClassId, string>();
  const tupleOutputs = new Map<ClassId, string[]>();

  const emitTuple = (id: ClassId, node: ENode): string[] => {
    const done = tupleOutputs.get(id);
    if (done !== undefined) return done;
    const inputs = node.children.map(nameOf);
    const types = egraph.data(id).types;
    const outputs = outputMask(node).map((isUsed, index) => {
      if (!isUsed) return "";
      const proj = egraph.lookup({ op: "Proj", attrs: canonicalAttrs({ index }), children: [id] });
      // Name the output after its Proj class only when that class will be read through this Proj.
      const viaProj = proj !== undefined && extraction.bestNode(proj).op === "Proj" && !names.has(find(proj));
      const name = viaProj ? claim(find(proj), node.op.toLowerCase()) : fresh(node.op.toLowerCase());
      if (viaProj) names.set(find(proj), name);
      values.set(name, types[index]!);
      return name;
    });
    nodes.push({ name: outputs.find((o) => o !== "")!, op: node.op, inputs, outputs, attrs: decodeAttrs(node.attrs, context.table) });
    tupleOutputs.set(id, outputs);
    return outputs;
  };

  function nameOf(rawId: ClassId): string {
    const id = find(rawId);
    const known = names.get(id);
    if (known !== undefined) return known;
    const node = extraction.bestNode(id);
    let name: string;
    switch (node.op) {
      case "None":
        return "";
      case "Input":
        name = leafField(node, "name");
        break;
      case "Const": {
        const digest = leafField(node, "digest");
        name = context.table.nameOf(digest) ?? fresh("const");
        if (!constants.has(name)) constants.set(name, context.table.get(digest));
        values.set(name, { dtype: context.table.get(digest).dtype, shape: context.table.get(digest).shape });
        break;
      }
      case "Proj": {
        const tuple = find(node.children[0]!);
        const outputs = emitTuple(tuple, extraction.bestNode(tuple));
        const already = names.get(id);
        if (already !== undefined) return already;
        name = outputs[projIndex(node)]!;
        break;
      }
      default: {
        const inputs = node.children.map(nameOf);
        name = claim(id, node.op.toLowerCase());
        values.set(name, egraph.data(id).types[0]!);
        nodes.push({ name, op: node.op, inputs, outputs: [name], attrs: decodeAttrs(node.attrs, context.table) });
      }
    }
    names.set(id, name);
    return name;
  }

  const outputNames = new Set<string>();
  source.outputs.forEach((output, i) => {
    const name = nameOf(encoded.outputs[i]!);
    if (name === output.name && !outputNames.has(name)) {
      outputNames.add(name);
      return;
    }
    // The output's class is read under another name (an input, a constant, another output).
    nodes.push({ name: output.name, op: "Identity", inputs: [name], outputs: [output.name], attrs: {} });
    values.set(output.name, { dtype: output.dtype, shape: output.shape });
    outputNames.add(output.name);
  });
  for (const input of source.inputs) values.set(input.name, { dtype: input.dtype, shape: input.shape });
  return { name: source.name, inputs: source.inputs, outputs: source.outputs, nodes, constants, values };
}
