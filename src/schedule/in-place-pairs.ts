import type { Graph, ValueInfo } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { lowerBound, type BufferRequest } from "./arena.js";
import type { InPlacePair } from "./in-place-plan.js";

/** What planStorage knows of the arena buffers when it looks for in-place pairs. */
export interface LivenessView {
  /** The buffer (alias root) holding a tensor. */
  rootOf(name: string): string;
  /** The step of a buffer's last use, for arena buffers only. */
  lastUse(buffer: string): number | undefined;
  /** Whether the node at this step is an alias (no code, no buffer). */
  isAliasStep(step: number): boolean;
}

/**
 * The (output, input) buffer pairs that may overlap: the node's op declares the input in
 * `inPlace`, the input's buffer dies at this node, every use of that buffer by the node is a
 * declared input (the largest lag wins), and the node writes one arena output and nothing else.
 */
export function collectInPlacePairs(graph: Graph, ops: OpRegistry, view: LivenessView): InPlacePair[] {
  const pairs: InPlacePair[] = [];
  graph.nodes.forEach((node, step) => {
    const op = ops.get(node.op);
    if (op?.inPlace === undefined || view.isAliasStep(step)) return;
    const output = node.outputs[0];
    if (output === undefined || output === "" || view.lastUse(output) === undefined || node.outputs.slice(1).some((o) => o !== "")) return;
    const infos = node.inputs.map((n): ValueInfo | undefined => (n === "" ? undefined : graph.values.get(n)));
    const outs = node.outputs.map((n) => graph.values.get(n)!);
    const declared = op.inPlace(node, infos, outs);
    const lagOf = new Map<string, number>();
    for (const { input, lagBytes } of declared) {
      const name = node.inputs[input];
      if (name === undefined || name === "") continue;
      const buffer = view.rootOf(name);
      lagOf.set(buffer, Math.max(lagOf.get(buffer) ?? -Infinity, lagBytes));
    }
    for (const [buffer, lag] of lagOf) {
      if (view.lastUse(buffer) !== step) continue;
      const everyUseDeclared = node.inputs.every((name, i) => name === "" || view.rootOf(name) !== buffer || declared.some((d) => d.input === i));
      if (everyUseDeclared) pairs.push({ output, input: buffer, lag });
    }
  });
  return pairs;
}

/**
 * Bytes an in-place pair occupies together at its tightest: the output `lag` bytes below the
 * input, or at the input's own offset when the lag is negative (any start up to -lag above it
 * is allowed, and sharing the start wastes least).
 */
export function pairSpan(inputBytes: number, outputBytes: number, lag: number): number {
  return Math.max(inputBytes + Math.max(lag, 0), outputBytes);
}

/**
 * The bound of a schedule with in-place pairs: the most bytes live at one step, an output and
 * the input it overwrites counted by their span rather than their sum (the best pair per output).
 */
export function scheduleBound(requests: readonly BufferRequest[], pairs: readonly InPlacePair[]): number {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const savings = new Map<string, BufferRequest>();
  for (const p of pairs) {
    const out = byId.get(p.output);
    const inp = byId.get(p.input);
    if (out === undefined || inp === undefined) continue;
    const saved = inp.bytes + out.bytes - pairSpan(inp.bytes, out.bytes, p.lag);
    const prev = savings.get(p.output);
    if (saved > 0 && (prev === undefined || -prev.bytes < saved)) savings.set(p.output, { id: `saving:${p.output}`, bytes: -saved, first: out.first, last: out.first });
  }
  return lowerBound([...requests, ...savings.values()]);
}
