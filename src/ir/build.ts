import { EgretError, fail } from "../errors.js";
import type { DType } from "./dtype.js";
import { nodeLabel, type AttrValue, type Graph, type NamedValue, type Node, type ValueInfo } from "./graph.js";
import { SUPPORTED_OPS_HINT, type OpRegistry } from "./registry.js";
import { checkTensorSize, FoldLedger } from "./limits.js";
import { foldNode } from "./fold-node.js";
import { shapeToString } from "./shape.js";
import type { Tensor } from "./tensor.js";
import { widenHalf } from "./widen-half.js";

/** A declared graph input before shapes are resolved: dims may be unknown or symbolic. */
export interface RawInput {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly (number | string | undefined)[];
}

/** What a format importer hands over: names, constants and nodes in the source's spelling. */
export interface RawModel {
  readonly name: string;
  readonly inputs: readonly RawInput[];
  readonly outputs: readonly string[];
  readonly constants: ReadonlyMap<string, Tensor>;
  readonly nodes: readonly Node[];
  /** Default-domain opset the model was exported with (canonicalisation depends on it). */
  readonly opset: number;
}

export interface BuildOptions {
  /** Overrides for input shapes (`--input-shape name=1x3x32x32`). */
  readonly inputShapes?: ReadonlyMap<string, readonly number[]>;
  /**
   * Inputs frozen to fixed values (`--const-input name=value.npy`): they become constants, so a
   * shape or axes fed as a graph input can be folded into static code.
   */
  readonly constantInputs?: ReadonlyMap<string, Tensor>;
  /** Where import warnings go (ops' `importWarning`); default: stderr. */
  readonly warn?: (message: string) => void;
}

/**
 * Turns a raw model into the IR: orders nodes, folds constant-only inputs into attributes,
 * canonicalises, infers every type and shape, folds constant subgraphs (the Shape -> Gather ->
 * Concat -> Reshape chains of exported models) and drops nodes no output needs.
 */
export function buildGraph(raw: RawModel, ops: OpRegistry, options: BuildOptions = {}): Graph {
  const values = new Map<string, ValueInfo>();
  const constants = new Map<string, Tensor>(raw.constants);
  for (const [name, t] of options.constantInputs ?? []) {
    const decl = raw.inputs.find((i) => i.name === name);
    if (!decl) fail("bad-option", "option --const-input", `the model has no input "${name}"; its inputs are: ${raw.inputs.map((i) => i.name).join(", ") || "(none)"}`);
    if (decl.dtype !== t.dtype || decl.dims.length !== t.shape.length || decl.dims.some((d, i) => typeof d === "number" && d >= 0 && d !== t.shape[i])) {
      fail("bad-option", "option --const-input", `input "${name}" is ${decl.dtype}[${decl.dims.map((d) => d ?? "?").join("x")}], the given value is ${t.dtype}[${shapeToString(t.shape)}]`);
    }
    constants.set(name, t);
  }
  for (const [name, t] of constants) {
    checkTensorSize(`constant "${name}"`, t.dtype, t.shape);
    values.set(name, { dtype: t.dtype, shape: t.shape });
  }

  const inputs = resolveInputs(raw, constants, options, values);
  const ledger = new FoldLedger();
  // Values not folded because they (or the value they are computed from) exceed the fold budget.
  const overBudget = new Map<string, OverBudget>();
  const nodes: Node[] = [];
  const warnings = new Map<string, string[]>();
  const taken = new Set<string>([...values.keys(), ...raw.nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  const place = (node: Node): void => {
    const op = ops.get(node.op)!;
    const warning = op.importWarning?.(node);
    if (warning !== undefined) warnings.set(warning, [...(warnings.get(warning) ?? []), node.name]);
    const inInfos = node.inputs.map((n) => (n === "" ? undefined : values.get(n)));
    const outInfos = op.infer(node, inInfos);
    if (outInfos.length < node.outputs.length) {
      fail("internal", nodeLabel(node), `shape inference gave ${outInfos.length} outputs, the node has ${node.outputs.length}`);
    }
    // Every value is validated (C index types, one-tensor budget) before anything allocates it.
    outInfos.forEach((info, i) => checkTensorSize(`tensor "${node.outputs[i] || `(unused output ${i})`}" (output ${i} of ${nodeLabel(node)})`, info.dtype, info.shape));
    node.outputs.forEach((o, i) => {
      if (o !== "") values.set(o, outInfos[i]!);
    });
    const outcome = foldNode(node, op, inInfos, outInfos, constants, ledger);
    if (outcome.kind === "folded") {
      const results = evaluateChecked(node, outcome.results);
      node.outputs.forEach((o, i) => {
        if (o !== "") constants.set(o, results[i]!);
      });
    } else {
      // Over budget itself, or computed from a value that was: a later constant input names why.
      const upstream = node.inputs.find((n) => overBudget.has(n));
      const why = outcome.reason !== undefined ? { origin: node.outputs.find((o) => o !== "") ?? "", reason: outcome.reason } : upstream === undefined ? undefined : overBudget.get(upstream);
      if (why !== undefined) for (const o of node.outputs) if (o !== "") overBudget.set(o, why);
      nodes.push(node);
    }
  };
  for (const rawNode of topoSort(raw.nodes, new Set([...constants.keys(), ...inputs.map((i) => i.name)]))) {
    const node = prepareNode(rawNode, ops, constants, raw.opset, overBudget);
    const widened = ops.get(node.op)!.halfAsFloat ? widenHalf(node, (n) => values.get(n), taken) : undefined;
    for (const n of widened ?? [node]) place(n);
  }

  const outputs: NamedValue[] = raw.outputs.map((name) => {
    const v = values.get(name);
    if (!v) fail("missing-tensor", `graph output "${name}"`, "no node, input or initializer produces it; the model file is inconsistent");
    return { name, ...v };
  });
  reportWarnings(warnings, options.warn ?? ((m) => process.stderr.write(`${m}\n`)));
  const live = liveNodes(nodes, outputs.map((o) => o.name));
  const usedConsts = new Set<string>([...live.flatMap((n) => n.inputs), ...outputs.map((o) => o.name)]);
  const keptConsts = new Map([...constants].filter(([name]) => usedConsts.has(name)));
  return { name: raw.name, inputs, outputs, nodes: live, constants: keptConsts, values };
}

/** One line per distinct warning, naming up to three of the nodes it concerns. */
function reportWarnings(warnings: ReadonlyMap<string, readonly string[]>, warn: (message: string) => void): void {
  for (const [message, names] of warnings) {
    const shown = names.slice(0, 3).map((n) => `"${n}"`).join(", ");
    warn(`WARNING: ${message} (node${names.length > 1 ? "s" : ""} ${shown}${names.length > 3 ? ` and ${names.length - 3} more` : ""})`);
  }
}

function resolveInputs(raw: RawModel, constants: ReadonlyMap<string, Tensor>, options: BuildOptions, values: Map<string, ValueInfo>): NamedValue[] {
  const overrides = options.inputShapes ?? new Map<string, readonly number[]>();
  const declared = raw.inputs.filter((i) => !constants.has(i.name));
  for (const name of overrides.keys()) {
    if (!declared.some((i) => i.name === name)) {
      fail("bad-option", "option --input-shape", `the model has no input "${name}"; its inputs are: ${declared.map((i) => i.name).join(", ") || "(none)"}`);
    }
  }
  return declared.map((input) => {
    const forced = overrides.get(input.name);
    let shape: number[];
    if (forced) {
      if (forced.length !== input.dims.length) {
        fail("bad-option", "option --input-shape", `input "${input.name}" has rank ${input.dims.length}, the given shape ${shapeToString(forced)} has rank ${forced.length}`);
      }
      forced.forEach((d, i) => {
        const known = input.dims[i];
        if (typeof known === "number" && known > 0 && known !== d) {
          fail("bad-option", "option --input-shape", `input "${input.name}" dimension ${i} is fixed to ${known} by the model, not ${d}`);
        }
      });
      shape = [...forced];
    } else {
      const unknown = input.dims.findIndex((d) => typeof d !== "number" || d < 0);
      if (unknown >= 0) {
        const dims = input.dims.map((d) => (typeof d === "number" && d >= 0 ? String(d) : d === undefined ? "?" : d)).join("x");
        fail("dynamic-shape", `input "${input.name}"`, `dimension ${unknown} is ${input.dims[unknown] === undefined ? "unknown" : `symbolic ("${input.dims[unknown]}")`} (shape ${dims}); give a static shape with --input-shape ${input.name}=${input.dims.map((d) => (typeof d === "number" && d >= 0 ? d : 1)).join("x")}`);
      }
      shape = input.dims as number[];
    }
    checkTensorSize(`input "${input.name}"`, input.dtype, shape);
    const info = { name: input.name, dtype: input.dtype, shape };
    values.set(input.name, { dtype: input.dtype, shape });
    return info;
  });
}

/** Kahn's algorithm keeping the file order among ready nodes (stable, deterministic). */
function topoSort(nodes: readonly Node[], available: Set<string>): Node[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o !== "" && producer.set(o, i)));
  const done = new Array<boolean>(nodes.length).fill(false);
  const order: Node[] = [];
  const have = new Set(available);
  let progress = true;
  while (order.length < nodes.length && progress) {
    progress = false;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (done[i] || !n.inputs.every((x) => x === "" || have.has(x))) continue;
      done[i] = true;
      progress = true;
      order.push(n);
      n.outputs.forEach((o) => o !== "" && have.add(o));
    }
  }
  if (order.length < nodes.length) {
    const stuck = nodes.find((_, i) => !done[i])!;
    const missing = stuck.inputs.find((x) => x !== "" && !have.has(x))!;
    if (!producer.has(missing)) {
      fail("missing-tensor", nodeLabel(stuck), `input "${missing}" is not produced by any node, graph input or initializer (a missing initializer?)`);
    }
    fail("bad-shape", nodeLabel(stuck), `the graph has a cycle through tensor "${missing}"`);
  }
  return order;
}

/** Why a value that could have been a constant is computed at run time: `origin` exceeded the fold budget. */
interface OverBudget {
  readonly origin: string;
  readonly reason: string;
}

/**
 * Checks the op exists and its arity, folds constant inputs into attributes, canonicalises. A
 * constant input computed from an over-budget value is an error that says so.
 */
function prepareNode(node: Node, ops: OpRegistry, constants: ReadonlyMap<string, Tensor>, opset: number, overBudget: ReadonlyMap<string, OverBudget>): Node {
  const op = ops.get(node.op);
  if (!op) fail("unsupported-op", nodeLabel(node), `operator "${node.op}" is not supported (${SUPPORTED_OPS_HINT})`);
  const nIn = node.inputs.length;
  if (nIn < op.inputs.min || nIn > op.inputs.max) {
    fail("bad-shape", nodeLabel(node), `has ${nIn} inputs, ${node.op} takes ${op.inputs.min === op.inputs.max ? op.inputs.min : `${op.inputs.min} to ${op.inputs.max}`}`);
  }
  const absent = node.inputs.findIndex((n, i) => i < op.inputs.min && n === "");
  if (absent >= 0) {
    fail("missing-tensor", nodeLabel(node), `required input ${absent} is empty; ${node.op} needs at least ${op.inputs.min} inputs`);
  }
  if (node.outputs.length < op.outputs.min || node.outputs.length > op.outputs.max) {
    fail("bad-shape", nodeLabel(node), `has ${node.outputs.length} outputs, ${node.op} gives ${op.outputs.min} to ${op.outputs.max}`);
  }
  let out: Node = node;
  if (op.constInputs) {
    const attrs: Record<string, AttrValue> = { ...node.attrs };
    const ins = [...node.inputs];
    for (const { index, attr, asTensor, reason } of op.constInputs) {
      const name = ins[index];
      if (name === undefined || name === "") continue;
      const t = constants.get(name);
      const whyNot = overBudget.get(name);
      if (!t && whyNot !== undefined) {
        const what = whyNot.origin === name ? "it was not folded" : `it is computed from "${whyNot.origin}", which was not folded`;
        fail("limit", nodeLabel(node), `input ${index} ("${name}", the ${attr}) must be a compile-time constant, but ${what}: ${whyNot.reason} (docs/limits.md); simplify the model so the ${attr} does not depend on a large tensor`);
      }
      if (!t) {
        fail("non-constant", nodeLabel(node), `input ${index} ("${name}", the ${attr}) must be a compile-time constant ${reason ?? "for static C code"}; it is computed at run time (if it is a graph input, freeze it with --const-input ${name}=value.npy; otherwise fix the input shapes with --input-shape or simplify the model)`);
      }
      attrs[attr] = asTensor === true ? t : t.toArray();
      ins[index] = "";
    }
    while (ins.length > 0 && ins[ins.length - 1] === "") ins.pop();
    out = { ...node, inputs: ins, attrs };
  }
  return op.canonicalize ? op.canonicalize(out, opset) : out;
}

function evaluateChecked(node: Node, results: readonly Tensor[]): readonly Tensor[] {
  if (results.length < node.outputs.length) {
    throw new EgretError("internal", nodeLabel(node), `evaluation gave ${results.length} outputs, expected ${node.outputs.length}`);
  }
  return results;
}

/** Nodes that contribute to the outputs, in order. */
function liveNodes(nodes: readonly Node[], outputs: readonly string[]): Node[] {
  const needed = new Set(outputs);
  const keep = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (n.outputs.some((o) => needed.has(o))) {
      keep[i] = true;
      n.inputs.forEach((x) => x !== "" && needed.add(x));
    }
  }
  return nodes.filter((_, i) => keep[i]);
}
