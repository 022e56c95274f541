import { expect } from "vitest";
import { runGraph, type AttrValue, type Tensor } from "../../src/index.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { singleNodeGraph, type TestInput } from "../support/graphs.js";

/**
 * Differential check shared by the nn-* op tests: builds a one-node graph, runs the reference
 * interpreter and the generated C, and expects every output within rtol 1e-4 / atol 1e-5 (the
 * conformance tolerance). Returns the reference outputs for further assertions.
 */
export function expectCMatchesInterpreter(
  op: string,
  inputs: readonly (TestInput | undefined)[],
  attrs: Record<string, AttrValue> = {},
  outputs = 1,
  opset = 17,
): Tensor[] {
  const { graph, feeds } = singleNodeGraph(op, inputs, attrs, outputs, opset);
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds);
  expect(got.length).toBe(ref.length);
  got.forEach((t, i) => {
    expect(t.shape).toEqual(ref[i]!.shape);
    const cmp = compareClose(t, ref[i]!);
    expect(cmp, `output ${i}: max |diff| ${cmp.maxAbs} at ${cmp.where}`).toMatchObject({ ok: true });
  });
  return ref;
}

/** Runs the interpreter only (known-value tests). */
export function interpret(op: string, inputs: readonly (TestInput | undefined)[], attrs: Record<string, AttrValue> = {}, outputs = 1, opset = 17): Tensor[] {
  const { graph, feeds } = singleNodeGraph(op, inputs, attrs, outputs, opset);
  return runGraph(graph, feeds);
}

export function values(t: Tensor | undefined): number[] {
  return Array.from(t!.toNumbers());
}
