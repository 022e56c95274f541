import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildGraph, compileGraph, EgretError, Tensor, type Graph } from "../../src/index.js";
import { parseDumpOption } from "../../src/compile.js";
import { randomTensor } from "../support/graphs.js";
import { requireOnnxTestdata } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

function convBnRelu(): Graph {
  const constants = new Map<string, Tensor>([
    ["w", randomTensor([3, 2, 3, 3], 1)],
    ["b", randomTensor([3], 2)],
    ["scale", randomTensor([3], 3)],
    ["beta", randomTensor([3], 4)],
    ["mean", randomTensor([3], 5)],
    ["var", randomTensor([3], 6, 0.5, 2)],
  ]);
  return buildGraph({
    name: "conv_bn_relu",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 2, 6, 6] }],
    outputs: ["y"],
    constants,
    nodes: [
      { name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "bn", op: "BatchNormalization", inputs: ["c", "scale", "beta", "mean", "var"], outputs: ["n"], attrs: { epsilon: 1e-3 } },
      { name: "relu", op: "Relu", inputs: ["n"], outputs: ["y"], attrs: {} },
    ],
  });
}

/**
 * Structural DOT check for the subset `egraphToDot` writes: a `digraph { ... }` whose lines are
 * attribute statements, cluster openings/closings (balanced), node statements and edges between
 * declared nodes. Returns the node labels and the number of clusters.
 */
function checkDot(text: string): { clusters: number; labels: string[]; edges: number } {
  const lines = text.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^digraph \w+ \{$/);
  expect(lines[lines.length - 1]).toBe("}");
  const quoted = String.raw`"(?:[^"\\]|\\.)*"`;
  const nodeRe = new RegExp(String.raw`^\s*(n\d+_\d+) \[label=(${quoted})\];$`);
  const edgeRe = new RegExp(String.raw`^\s*(n\d+_\d+) -> (n\d+_\d+) \[lhead=cluster_\d+, label="\d+"\];$`);
  const attrRe = new RegExp(String.raw`^\s*(\w+=(?:\w+|${quoted})|node \[.*\]);$`);
  let depth = 0;
  let clusters = 0;
  const declared = new Set<string>();
  const labels: string[] = [];
  const edges: Array<[string, string]> = [];
  for (const line of lines.slice(1, -1)) {
    let m: RegExpExecArray | null;
    if (/^\s*subgraph cluster_\d+ \{$/.test(line)) {
      depth++;
      clusters++;
    } else if (/^\s*\}$/.test(line)) depth--;
    else if ((m = nodeRe.exec(line)) !== null) {
      declared.add(m[1]!);
      labels.push(JSON.parse(m[2]!) as string);
    } else if ((m = edgeRe.exec(line)) !== null) edges.push([m[1]!, m[2]!]);
    else expect(line, "a DOT statement").toMatch(attrRe);
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  for (const [from, to] of edges) {
    expect(declared.has(from), `edge source ${from}`).toBe(true);
    expect(declared.has(to), `edge target ${to}`).toBe(true);
  }
  return { clusters, labels, edges: edges.length };
}

const IR_LINE = /^[\w.:/-]+(, [\w.:/-]+)* = \w+(\[.*\])?\([^()]*\) : (\w+\[[\d,]*\]|\(.*\))$/;

describe("--dump egraph|ir", () => {
  it("writes the saturated e-graph as DOT with a cluster per class, naming the ops", () => {
    const { dumps } = compileGraph(convBnRelu(), { dump: ["egraph"] });
    expect([...dumps.keys()]).toEqual(["egraph.dot"]);
    const dot = checkDot(dumps.get("egraph.dot")!);
    expect(dot.clusters).toBeGreaterThan(5);
    expect(dot.edges).toBeGreaterThan(5);
    const ops = dot.labels.map((label) => label.split(/[\n ]/)[0]);
    expect(ops).toEqual(expect.arrayContaining(["Conv", "BatchNormalization", "Relu", "Input", "Const"]));
    expect(dot.labels.some((label) => label.startsWith("Conv\n") && label.includes('activation="Relu"'))).toBe(true);
  });

  it("writes the IR before and after optimisation, one line per node", () => {
    // The target's kernel rules off: the after-dump shows the fused generic Conv.
    const { dumps } = compileGraph(convBnRelu(), { dump: ["ir"], targetRules: false });
    const before = dumps.get("ir-before.txt")!.split("\n");
    const after = dumps.get("ir-after.txt")!.split("\n");
    expect(before).toContain("input x : float32[1,2,6,6]");
    expect(before).toContain("output y : float32[1,3,6,6]");
    const nodeLines = (lines: string[]) => lines.filter((l) => l.includes(" = "));
    for (const line of [...nodeLines(before), ...nodeLines(after)]) expect(line).toMatch(IR_LINE);
    expect(nodeLines(before).map((l) => l.split(" = ")[1]!.split(/[[(]/)[0])).toEqual(["Conv", "BatchNormalization", "Relu"]);
    expect(nodeLines(before)[0]).toBe("c = Conv[pads=[1,1,1,1]](x, w, b) : float32[1,3,6,6]");
    expect(nodeLines(after)).toHaveLength(1);
    expect(nodeLines(after)[0]).toMatch(/^y = Conv\[activation="Relu", pads=\[1,1,1,1\]\]\(x, \S+, \S+\) : float32\[1,3,6,6\]$/);
  });

  it("is deterministic", () => {
    const a = compileGraph(convBnRelu(), { dump: ["egraph", "ir"] }).dumps;
    const b = compileGraph(convBnRelu(), { dump: ["egraph", "ir"] }).dumps;
    expect([...a.keys()].sort()).toEqual(["egraph.dot", "ir-after.txt", "ir-before.txt"]);
    for (const [name, text] of a) expect(b.get(name), name).toBe(text);
  });

  it("rejects an e-graph dump without the optimizer and malformed --dump values", () => {
    expect(() => compileGraph(convBnRelu(), { optimize: false, dump: ["egraph"] })).toThrow(EgretError);
    expect(compileGraph(convBnRelu(), { optimize: false, dump: ["ir"] }).dumps.get("ir-after.txt")).toBe(compileGraph(convBnRelu(), { optimize: false, dump: ["ir"] }).dumps.get("ir-before.txt"));
    expect(parseDumpOption(["egraph,ir", "d1", "all", "d2"])).toEqual([
      { kinds: ["egraph", "ir"], dir: "d1" },
      { kinds: ["egraph", "ir"], dir: "d2" },
    ]);
    expect(() => parseDumpOption(["egraph"])).toThrow(/KIND DIR/);
    expect(() => parseDumpOption(["graph", "d"])).toThrow(/unknown dump "graph"/);
  });
});

describe("egret compile --dump (CLI)", () => {
  const work = mkdtempSync(join(tmpdir(), "egret-dump-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const bin = join(import.meta.dirname, "..", "..", "bin", "egret.js");

  it("writes egraph.dot, ir-before.txt and ir-after.txt into the directory", () => {
    const model = join(requireOnnxTestdata(), "pytorch-converted", "test_Conv2d", "model.onnx");
    const dir = join(work, "dumps");
    const r = spawnSync("node", [bin, "compile", model, "-o", join(work, "out"), "--dump", "egraph,ir", dir], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
    expect(r.status, r.stderr).toBe(0);
    for (const name of ["egraph.dot", "ir-before.txt", "ir-after.txt"]) expect(existsSync(join(dir, name)), name).toBe(true);
    expect(checkDot(readFileSync(join(dir, "egraph.dot"), "utf8")).labels.some((l) => l.startsWith("Conv"))).toBe(true);
    // The host's target rules may pick a blocked float kernel (Conv2DGemm...) for the conv.
    expect(readFileSync(join(dir, "ir-after.txt"), "utf8")).toMatch(/ = Conv\w*\[/);
    expect(r.stdout).toMatch(/extraction: /);
  });
});
