import { expect } from "vitest";
import { compile, runGraph } from "../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { multiNodeGraph, type QNode } from "./quant-support.js";

/**
 * Builds `cases` and their QConv2D twins in one host program (ASan/UBSan): `fn` is called `calls`
 * times, and every case equals its twin's C and the evaluator byte for byte.
 */
export async function expectBitExact(cases: readonly QNode[], fn: string, calls: number): Promise<void> {
  const generic = cases.map((c) => ({ ...c, op: "QConv2D" }));
  const { graph, feeds } = multiNodeGraph([...cases, ...generic]);
  const files = compile(graph).files;
  expect((files.get("model.c") ?? "").split(`${fn}(`).length - 1).toBe(calls);
  const got = await buildAndRunAsync(files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
  const ref = runGraph(graph, feeds);
  cases.forEach((c, i) => {
    const fast = Array.from(got[i]!.toNumbers());
    expect(fast, `case ${i} ${JSON.stringify(c.attrs)} vs QConv2D's C`).toEqual(Array.from(got[i + cases.length]!.toNumbers()));
    expect(fast, `case ${i} vs the evaluator`).toEqual(Array.from(ref[i]!.toNumbers()));
  });
  // The cases must exercise the arithmetic, not just saturate.
  expect(new Set(got.slice(0, cases.length).flatMap((t) => Array.from(t.toNumbers()))).size).toBeGreaterThan(150);
}
