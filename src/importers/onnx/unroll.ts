import { fail } from "../../errors.js";
import { attrInt, attrInts } from "../../ir/attrs.js";
import { nodeLabel, type Node } from "../../ir/graph.js";
import { Tensor } from "../../ir/tensor.js";
import { constantScalar, Expansion, MAX_EXPANDED_NODES, type ExpandContext } from "./expansion.js";
import { inlineSubgraph } from "./inline.js";
import type { SubGraph, Subgraphs } from "./nodes.js";

/**
 * The control-flow expanders: If with a constant condition (the taken branch inlined), Loop with
 * a constant trip count or condition and Scan over statically shaped inputs (both unrolled, one
 * copy of the body per iteration). Each returns the plain nodes that replace the node; the
 * node's outputs keep their names (Identity, Concat or the inlined producers write them).
 */

const FREEZE_HINT = "if it is a graph input, freeze it with --const-input <name>=value.npy";

function body(node: Node, graphs: Subgraphs, attr: string): SubGraph {
  return graphs[attr] ?? fail("bad-attribute", nodeLabel(node), `required subgraph attribute "${attr}" is missing`);
}

/** Writes `sources[i]` to the node's output i (unused outputs are skipped). */
function bindOutputs(x: Expansion, outputs: readonly string[], sources: readonly string[]): void {
  outputs.forEach((o, i) => {
    if (o !== "") x.node("Identity", [sources[i]!], {}, o);
  });
}

/** Refuses up front a loop whose unrolled copies alone would exceed the expansion budget. */
function checkUnrollSize(node: Node, iterations: number, loopBody: SubGraph): void {
  if (iterations * Math.max(1, loopBody.nodes.length) > MAX_EXPANDED_NODES) {
    fail("unsupported-op", nodeLabel(node), `runs ${iterations} iterations of a ${loopBody.nodes.length}-node body: unrolled, that is more than ${MAX_EXPANDED_NODES} nodes; Egret unrolls loops at import, so shorten the loop or export the model with a smaller trip count`);
  }
}

export function expandIf(node: Node, graphs: Subgraphs, ctx: ExpandContext): Expansion {
  const cond = constantScalar(node, ctx.probe([node.inputs[0]!]).get(node.inputs[0]!), "condition (input 0)", FREEZE_HINT);
  const attr = cond !== 0 ? "then_branch" : "else_branch";
  const branch = body(node, graphs, attr);
  if (branch.inputs.length > 0) fail("bad-attribute", nodeLabel(node), `${attr} declares ${branch.inputs.length} inputs; If branches take none`);
  if (branch.outputs.length !== node.outputs.length) {
    fail("bad-shape", nodeLabel(node), `${attr} has ${branch.outputs.length} outputs, the node ${node.outputs.length}`);
  }
  const x = new Expansion(node);
  const inlined = inlineSubgraph(branch, new Map(), `${node.name}/`);
  x.add(inlined);
  bindOutputs(x, node.outputs, inlined.outputs);
  return x;
}

/**
 * Loop(M, cond, v_initial...) -> (v_final..., scan_outputs...). Body: (iteration, cond, v...) ->
 * (cond, v..., scan elements...). Runs while i < M (when M is given) and cond is true (when the
 * cond input is given: the body's condition output must then fold to a constant each iteration).
 */
export function expandLoop(node: Node, graphs: Subgraphs, ctx: ExpandContext): Expansion {
  const loopBody = body(node, graphs, "body");
  const [mName = "", condName = "", ...initial] = node.inputs;
  const carried = initial.length;
  if (loopBody.inputs.length !== carried + 2) fail("bad-shape", nodeLabel(node), `the body has ${loopBody.inputs.length} inputs, expected ${carried + 2} (iteration, condition and ${carried} loop-carried values)`);
  const scans = loopBody.outputs.length - 1 - carried;
  if (scans < 0 || node.outputs.length !== carried + scans) {
    fail("bad-shape", nodeLabel(node), `the body has ${loopBody.outputs.length} outputs and the node ${node.outputs.length}; expected 1 + ${carried} + K body outputs and ${carried} + K node outputs`);
  }
  const given = ctx.probe([mName, condName].filter((n) => n !== ""));
  const tripCount = mName === "" ? undefined : constantScalar(node, given.get(mName), "trip count M (input 0)", FREEZE_HINT);
  let cond = condName === "" ? true : constantScalar(node, given.get(condName), "condition (input 1)", FREEZE_HINT) !== 0;
  if (tripCount === undefined && condName === "") fail("bad-attribute", nodeLabel(node), "has neither a trip count nor a condition: it would never stop");

  if (tripCount !== undefined) checkUnrollSize(node, tripCount, loopBody);
  const x = new Expansion(node);
  let state = initial;
  const scanParts: string[][] = Array.from({ length: scans }, () => []);
  for (let i = 0; cond && (tripCount === undefined || i < tripCount); i++) {
    const bindings = new Map<string, string>([
      [loopBody.inputs[0]!, x.constant("iteration", Tensor.scalar("int64", i))],
      [loopBody.inputs[1]!, x.constant("condition", Tensor.scalar("bool", 1))],
    ]);
    state.forEach((name, k) => bindings.set(loopBody.inputs[k + 2]!, name));
    const copy = inlineSubgraph(loopBody, bindings, `${node.name}/${i}/`);
    x.add(copy);
    state = copy.outputs.slice(1, 1 + carried);
    copy.outputs.slice(1 + carried).forEach((s, k) => scanParts[k]!.push(s));
    if (condName !== "") {
      const condOut = copy.outputs[0]!;
      cond = constantScalar(node, ctx.probe([condOut], x).get(condOut), `condition computed by iteration ${i} of the body`, "a loop whose exit depends on run-time values cannot be unrolled") !== 0;
    }
  }
  if (scans > 0 && scanParts[0]!.length === 0) fail("bad-shape", nodeLabel(node), "runs zero iterations but has scan outputs, whose shape would be unknown");
  bindOutputs(x, node.outputs.slice(0, carried), state);
  scanParts.forEach((parts, k) => {
    const out = node.outputs[carried + k]!;
    if (out !== "") x.stack(parts, 0, out);
  });
  return x;
}

/**
 * Scan (opset 9+): (states..., scan inputs...) -> (final states..., scan outputs...), iterating
 * over axis `scan_input_axes[j]` of every scan input (backwards when `scan_input_directions[j]`
 * is 1); scan outputs are stacked along `scan_output_axes[k]` (in reverse order when
 * `scan_output_directions[k]` is 1). Opset 8's form (sequence_lens, batch axis 0) is expanded
 * per batch entry.
 */
export function expandScan(node: Node, graphs: Subgraphs, ctx: ExpandContext): Expansion {
  const scanBody = body(node, graphs, "body");
  const m = attrInt(node, "num_scan_inputs");
  const legacy = ctx.opset < 9;
  if (legacy && node.inputs[0] !== "") fail("bad-attribute", nodeLabel(node), "sequence_lens is given; Egret unrolls Scan over the full static length and supports opset-8 Scan only without sequence_lens");
  const inputs = legacy ? node.inputs.slice(1) : node.inputs;
  const n = inputs.length - m;
  if (m < 1 || n < 0) fail("bad-attribute", nodeLabel(node), `num_scan_inputs ${m} must be between 1 and the number of inputs (${inputs.length})`);
  const k = scanBody.outputs.length - n;
  if (scanBody.inputs.length !== n + m || k < 0 || node.outputs.length !== n + k) {
    fail("bad-shape", nodeLabel(node), `the body has ${scanBody.inputs.length} inputs and ${scanBody.outputs.length} outputs; expected ${n + m} inputs (states, scan elements) and ${n} + K outputs matching the node's ${node.outputs.length}`);
  }
  const dirsAttr = legacy ? "directions" : "scan_input_directions";
  const plan: ScanPlan = {
    node,
    body: scanBody,
    states: n,
    inAxes: legacy ? new Array<number>(m).fill(0) : attrInts(node, "scan_input_axes", new Array<number>(m).fill(0)),
    inReverse: attrInts(node, dirsAttr, new Array<number>(m).fill(0)).map((d) => d !== 0),
    outAxes: legacy ? new Array<number>(k).fill(0) : attrInts(node, "scan_output_axes", new Array<number>(k).fill(0)),
    outReverse: attrInts(node, "scan_output_directions", new Array<number>(k).fill(0)).map((d) => d !== 0),
  };
  if (plan.inAxes.length !== m || plan.inReverse.length !== m || plan.outAxes.length !== k || plan.outReverse.length !== k) {
    fail("bad-attribute", nodeLabel(node), `the scan axis/direction attributes must list ${m} scan inputs and ${k} scan outputs`);
  }
  const shapes = ctx.probe(inputs.slice(n));
  const x = new Expansion(node);
  if (!legacy) {
    const outs = unrollScan(x, plan, inputs.slice(0, n), inputs.slice(n), shapes, "");
    bindOutputs(x, node.outputs.slice(0, n), outs.states);
    outs.scans.forEach((parts, j) => {
      const out = node.outputs[n + j]!;
      if (out !== "") x.stack(parts, plan.outAxes[j]!, out);
    });
    return x;
  }
  // Opset 8: every input has a leading batch axis; each batch entry is its own scan.
  const batch = shapes.get(inputs[n]!)!.info.shape[0]!;
  const perBatch = Array.from({ length: batch }, (_, b) => {
    const at = x.constant("batch", Tensor.scalar("int64", b));
    const pick = (name: string) => x.node("Gather", [name, at], { axis: 0 });
    const scanInputs = inputs.slice(n).map(pick);
    const batchShapes = new Map(inputs.slice(n).map((name, j) => [scanInputs[j]!, { info: { ...shapes.get(name)!.info, shape: shapes.get(name)!.info.shape.slice(1) } }]));
    return unrollScan(x, plan, inputs.slice(0, n).map(pick), scanInputs, batchShapes, `${b}/`);
  });
  node.outputs.forEach((o, j) => {
    if (o === "") return;
    const perEntry = j < n ? perBatch.map((r) => r.states[j]!) : perBatch.map((r) => x.stack(r.scans[j - n]!, 0));
    x.stack(perEntry, 0, o);
  });
  return x;
}

interface ScanPlan {
  readonly node: Node;
  readonly body: SubGraph;
  readonly states: number;
  readonly inAxes: readonly number[];
  readonly inReverse: readonly boolean[];
  readonly outAxes: readonly number[];
  readonly outReverse: readonly boolean[];
}

/** One scan: the body once per step; returns the final states and each scan output's parts in output order. */
function unrollScan(x: Expansion, p: ScanPlan, states: readonly string[], scanInputs: readonly string[], shapes: ReadonlyMap<string, { readonly info: { readonly shape: readonly number[] } }>, tag: string): { states: string[]; scans: string[][] } {
  const lengths = scanInputs.map((name, j) => {
    const shape = shapes.get(name)!.info.shape;
    const axis = p.inAxes[j]! < 0 ? p.inAxes[j]! + shape.length : p.inAxes[j]!;
    if (axis < 0 || axis >= shape.length) fail("bad-attribute", nodeLabel(p.node), `scan_input_axes[${j}] = ${p.inAxes[j]} is out of range for scan input ${j} of rank ${shape.length}`);
    return { axis, length: shape[axis]! };
  });
  const steps = lengths[0]!.length;
  if (lengths.some((l) => l.length !== steps)) fail("bad-shape", nodeLabel(p.node), `the scan inputs have different lengths along their scan axes (${lengths.map((l) => l.length).join(", ")})`);
  checkUnrollSize(p.node, steps, p.body);
  let current = [...states];
  const scans: string[][] = Array.from({ length: p.body.outputs.length - p.states }, () => []);
  for (let t = 0; t < steps; t++) {
    const bindings = new Map<string, string>();
    current.forEach((name, j) => bindings.set(p.body.inputs[j]!, name));
    scanInputs.forEach((name, j) => {
      const index = x.constant("step", Tensor.scalar("int64", p.inReverse[j] ? steps - 1 - t : t));
      bindings.set(p.body.inputs[p.states + j]!, x.node("Gather", [name, index], { axis: lengths[j]!.axis }));
    });
    const copy = inlineSubgraph(p.body, bindings, `${p.node.name}/${tag}${t}/`);
    x.add(copy);
    current = copy.outputs.slice(0, p.states);
    copy.outputs.slice(p.states).forEach((s, j) => scans[j]!.push(s));
  }
  if (steps === 0) fail("bad-shape", nodeLabel(p.node), "the scan inputs have length 0, so the scan outputs' shapes would be unknown");
  return { states: current, scans: scans.map((parts, j) => (p.outReverse[j] ? [...parts].reverse() : parts)) };
}
