/**
 * Concats done in place (src/schedule/concat-views.ts, `concatInPlace`) on CPU-only float models:
 * each input's producer writes straight into its slice of the concat's output (an arena buffer,
 * or the caller's output buffer), joins nest, the concat emits no copy, the arena shrinks by the
 * parts, and the C outputs are the bytes of the same program with the concats as copies (built
 * under ASan/UBSan). Joins whose inputs are not contiguous slices, or whose parts are read after
 * the join, repeated, graph inputs or misaligned, stay copies.
 */
import { describe, expect, it } from "vitest";
import { buildGraph, compile, runGraph, Tensor, type Graph } from "../../src/index.js";
import { planStorage } from "../../src/schedule/storage.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { OPS } from "../support/toolchain.js";

type NodeSpec = Parameters<typeof buildGraph>[0]["nodes"][number];
const unary = (op: string, x: string, y: string): NodeSpec => ({ name: y, op, inputs: [x], outputs: [y], attrs: {} });
const concat = (y: string, axis: number, ...xs: string[]): NodeSpec => ({ name: y, op: "Concat", inputs: xs, outputs: [y], attrs: { axis } });

function graphOf(dims: number[], outputs: string[], nodes: NodeSpec[], constants = new Map<string, Tensor>()): Graph {
  return buildGraph({ name: "joins", opset: 17, inputs: [{ name: "x", dtype: "float32", dims }], outputs, constants, nodes });
}

/**
 * x [1,4,8,8] → a = Relu, b = Sigmoid → c = concat(a, b) [1,8,8,8]; d = Neg → e = concat(c, d)
 * [1,12,8,8] (nested) → y = Tanh (output 0); f = Abs, g = Exp → z = concat(f, flat(g)) as
 * [1,512] (output 1: parts written into the caller's buffer, one through a Reshape).
 */
function joinsGraph(): Graph {
  return graphOf([1, 4, 8, 8], ["y", "z"], [
    unary("Relu", "x", "a"), unary("Sigmoid", "x", "b"), concat("c", 1, "a", "b"),
    unary("Neg", "x", "d"), concat("e", 1, "c", "d"), unary("Tanh", "e", "y"),
    unary("Abs", "x", "f"), { name: "f_flat", op: "Reshape", inputs: ["f", "flat"], outputs: ["f_flat"], attrs: {} },
    unary("Exp", "x", "g"), { name: "g_flat", op: "Reshape", inputs: ["g", "flat"], outputs: ["g_flat"], attrs: {} },
    concat("z", 1, "f_flat", "g_flat"),
  ], new Map([["flat", Tensor.fromNumbers("int64", [2], [1, 256])]]));
}

describe("concat in place (storage plan)", () => {
  it("parts become slices of the join's output, nested and into a graph output; the C is the copy program's bytes", async () => {
    const graph = joinsGraph();
    const plan = planStorage(graph, OPS, { concatInPlace: true });
    expect([...plan.joinedInPlace].sort()).toEqual(["c", "e", "z"]);
    const e = plan.storage.get("e");
    if (e?.kind !== "arena") throw new Error("e should live in the arena");
    // a, b (via c) and d are e's three 1024-byte slices; f and g are the halves of output 1.
    expect(["a", "b", "c", "d"].map((n) => plan.storage.get(n))).toEqual([
      { kind: "arena", offset: e.offset }, { kind: "arena", offset: e.offset + 1024 }, { kind: "arena", offset: e.offset }, { kind: "arena", offset: e.offset + 2048 },
    ]);
    expect(["f", "f_flat", "g", "g_flat"].map((n) => plan.storage.get(n))).toEqual([
      { kind: "output", index: 1 }, { kind: "output", index: 1 }, { kind: "output", index: 1, offset: 1024 }, { kind: "output", index: 1, offset: 1024 },
    ]);
    // Only e is left in the arena (live from a on); as copies, c and e are live together at e (2048 + 3072 B).
    expect(plan.arena.size).toBe(3072);
    const copies = planStorage(graph, OPS);
    expect(copies.joinedInPlace.size).toBe(0);
    expect(copies.arena.size).toBeGreaterThanOrEqual(2048 + 3072);

    const joined = compile(graph, { concatInPlace: true });
    const copied = compile(graph);
    expect(joined.summary.arenaBytes).toBe(3072);
    const modelC = joined.files.get("model.c")!;
    expect(modelC.split("no copy, its inputs were written into their slices").length - 1).toBe(3);
    expect(modelC).toContain("((float *)((uint8_t *)outputs[1] + 1024))");
    const input = [randomTensor([1, 4, 8, 8], 29, -2, 2)];
    const [fromJoined, fromCopied] = await Promise.all([
      buildAndRunAsync(joined.files, graph.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(copied.files, graph.outputs, input, { cflags: SANITIZE_CFLAGS }),
    ]);
    const bytes = (ts: readonly Tensor[]) => ts.map((t) => Buffer.from(t.bytes()).toString("hex"));
    expect(bytes(fromJoined)).toEqual(bytes(fromCopied));
    // And the values are the concats' (the reference interpreter, to float tolerance of the C math).
    const want = runGraph(graph, input);
    fromJoined.forEach((t, i) => t.toNumbers().forEach((v, k) => expect(Math.abs(v - want[i]!.toNumbers()[k]!)).toBeLessThan(1e-5)));
  });

  const stays = (graph: Graph) => planStorage(graph, OPS, { concatInPlace: true }).joinedInPlace.size;

  it("a join whose inputs are not contiguous slices of its output stays a copy", () => {
    expect(stays(graphOf([1, 4, 8, 8], ["y"], [unary("Relu", "x", "a"), unary("Neg", "x", "b"), concat("c", 2, "a", "b"), unary("Tanh", "c", "y")]))).toBe(0);
  });

  it("a part read after the join, a part given twice, or the graph input as a part: a copy", () => {
    expect(stays(graphOf([1, 4, 8, 8], ["y", "late"], [unary("Relu", "x", "a"), unary("Neg", "x", "b"), concat("c", 1, "a", "b"), unary("Tanh", "c", "y"), unary("Abs", "a", "late")]))).toBe(0);
    expect(stays(graphOf([1, 4, 8, 8], ["y"], [unary("Relu", "x", "a"), concat("c", 1, "a", "a"), unary("Tanh", "c", "y")]))).toBe(0);
    expect(stays(graphOf([1, 4, 8, 8], ["y"], [unary("Relu", "x", "a"), concat("c", 1, "x", "a"), unary("Tanh", "c", "y")]))).toBe(0);
  });

  it("a slice that would start off the arena alignment: a copy; the option is off by default", () => {
    // [1,3] floats: the second part would start at byte 12.
    expect(stays(graphOf([1, 3], ["y"], [unary("Relu", "x", "a"), unary("Neg", "x", "b"), concat("c", 1, "a", "b"), unary("Tanh", "c", "y")]))).toBe(0);
    const aligned = graphOf([1, 4], ["y"], [unary("Relu", "x", "a"), unary("Neg", "x", "b"), concat("c", 1, "a", "b"), unary("Tanh", "c", "y")]);
    expect(stays(aligned)).toBe(1);
    expect(planStorage(aligned, OPS).joinedInPlace.size).toBe(0);
  });
});
