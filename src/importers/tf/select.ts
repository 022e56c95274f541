import { fail } from "../../errors.js";
import type { GraphDefMsg, NodeDefMsg } from "./messages.js";

/** One output of a node: `name` or `name:k` in TensorFlow's spelling. */
export interface TensorRef {
  readonly node: string;
  readonly index: number;
}

/** Parses a NodeDef input; `^name` control dependencies give undefined (they carry no data). */
export function parseTensorRef(spec: string): TensorRef | undefined {
  if (spec.startsWith("^")) return undefined;
  const m = /^(.*):(\d+)$/.exec(spec);
  return m ? { node: m[1]!, index: Number(m[2]) } : { node: spec, index: 0 };
}

export function refKey(ref: TensorRef): string {
  return ref.index === 0 ? ref.node : `${ref.node}:${ref.index}`;
}

/** The part of a frozen graph that computes the requested outputs. */
export interface Selection {
  /** Nodes to convert, every node after the nodes it reads (graph inputs excluded). */
  readonly order: readonly NodeDefMsg[];
  /** Nodes that become graph inputs: the Placeholders reached, or the --inputs cut points. */
  readonly inputs: readonly NodeDefMsg[];
  readonly outputs: readonly TensorRef[];
}

export interface SelectOptions {
  readonly tfInputs?: readonly string[];
  readonly tfOutputs?: readonly string[];
}

/** Ops that are never a model's result when the outputs are guessed (bookkeeping, variables, savers). */
const NOT_AN_OUTPUT = new Set([
  "NoOp", "Const", "Placeholder", "PlaceholderWithDefault", "Assert", "VariableV2", "Variable", "VarHandleOp",
  "Assign", "AssignVariableOp", "SaveV2", "RestoreV2", "Save", "Restore", "MergeV2Checkpoints", "ShardedFilename",
  "StringJoin",
]);

/** Indexes nodes by name; a name defined twice makes the graph ambiguous. */
export function indexNodes(graph: GraphDefMsg, subject: string): Map<string, NodeDefMsg> {
  const byName = new Map<string, NodeDefMsg>();
  graph.node.forEach((n, i) => {
    const name = n.name || fail("parse", subject, `node ${i} has no name; the file is corrupt`);
    if (!n.op) fail("parse", subject, `node "${name}" has no op; the file is corrupt`);
    if (byName.has(name)) fail("parse", `node "${name}"`, "is defined twice; the graph is inconsistent");
    byName.set(name, n);
  });
  return byName;
}

/** Nodes no other node reads (data inputs only), minus bookkeeping: the default outputs. */
export function guessOutputs(graph: GraphDefMsg): TensorRef[] {
  const consumed = new Set<string>();
  for (const n of graph.node) for (const spec of n.input) {
    const ref = parseTensorRef(spec);
    if (ref) consumed.add(ref.node);
  }
  return graph.node.filter((n) => !consumed.has(n.name!) && !NOT_AN_OUTPUT.has(n.op!)).map((n) => ({ node: n.name!, index: 0 }));
}

function namedRefs(specs: readonly string[], byName: ReadonlyMap<string, NodeDefMsg>, option: string): TensorRef[] {
  return specs.map((spec) => {
    const ref = parseTensorRef(spec.trim());
    if (!ref || !byName.has(ref.node)) {
      const some = [...byName.keys()].slice(0, 8).join(", ");
      fail("bad-option", `option ${option}`, `the graph has no node "${spec}" (nodes include: ${some}${byName.size > 8 ? ", ..." : ""})`);
    }
    return ref;
  });
}

export function selectSubgraph(graph: GraphDefMsg, byName: ReadonlyMap<string, NodeDefMsg>, options: SelectOptions, subject: string): Selection {
  const outputs = options.tfOutputs?.length ? namedRefs(options.tfOutputs, byName, "--outputs") : guessOutputs(graph);
  if (outputs.length === 0) fail("parse", subject, "has no node that could be an output; name the output nodes with --outputs");
  const cut = new Set(namedRefs(options.tfInputs ?? [], byName, "--inputs").map((r) => {
    if (r.index !== 0) fail("bad-option", "option --inputs", `"${refKey(r)}" is not a node's first output; name a node whose output 0 is the input`);
    return r.node;
  }));

  const order: NodeDefMsg[] = [];
  const inputs: NodeDefMsg[] = [];
  const state = new Map<string, "open" | "done">();
  // Iterative depth-first post-order: deep graphs must not overflow the JS stack.
  for (const out of outputs) {
    const stack: { name: string; next: number }[] = [{ name: out.node, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const node = byName.get(top.name)!;
      if (top.next === 0) {
        if (state.get(top.name) === "done") { stack.pop(); continue; }
        state.set(top.name, "open");
        if (cut.has(top.name) || node.op === "Placeholder") {
          state.set(top.name, "done");
          inputs.push(node);
          stack.pop();
          continue;
        }
      }
      const spec = node.input[top.next];
      if (spec === undefined) {
        state.set(top.name, "done");
        order.push(node);
        stack.pop();
        continue;
      }
      top.next++;
      const ref = parseTensorRef(spec);
      if (!ref) continue;
      if (!byName.has(ref.node)) fail("missing-tensor", `node "${top.name}" (${node.op})`, `reads "${spec}", which no node of the graph produces; the graph is incomplete`);
      const s = state.get(ref.node);
      if (s === "open") fail("bad-shape", `node "${top.name}" (${node.op})`, `is part of a cycle through "${ref.node}" (a while loop?); Egret compiles acyclic graphs only`);
      if (s === undefined) stack.push({ name: ref.node, next: 0 });
    }
  }
  return { order, inputs, outputs };
}
