import jpeg from "jpeg-js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { buildGraph, LIMITS, runGraph, Tensor, type RawModel } from "../../src/index.js";
import { imageHeaderSize } from "../../src/calib/image-size.js";
import { parseInputShapes } from "../../src/cli/options.js";
import { dataOptions } from "../../src/cli/quantize-options.js";
import { readFileWithin } from "../../src/io/read-file.js";
import { checkTensorSize, FoldLedger } from "../../src/limits.js";
import { parseRules } from "../../src/rules/load.js";
import { parseSExprs } from "../../src/rules/sexpr.js";
import { errorOf } from "../support/errors.js";

const work = mkdtempSync(join(tmpdir(), "egret-budget-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const int64 = (values: number[]) => Tensor.fromNumbers("int64", [values.length], values);

function model(partial: Partial<RawModel> & Pick<RawModel, "nodes" | "outputs">): RawModel {
  return { name: "m", opset: 17, inputs: [{ name: "x", dtype: "float32", dims: [1] }], constants: new Map(), ...partial };
}

/** `fill = ConstantOfShape([count])`, `y = fill + x`. */
const fillPlusX = (count: number): RawModel =>
  model({
    constants: new Map([["s", int64([count])]]),
    outputs: ["y"],
    nodes: [
      { name: "fill", op: "ConstantOfShape", inputs: ["s"], outputs: ["c"], attrs: {} },
      { name: "add", op: "Add", inputs: ["c", "x"], outputs: ["y"], attrs: {} },
    ],
  });

describe("graph build validates every value's size", () => {
  it("refuses input dimensions beyond int32_t or that are not whole numbers, naming the input", () => {
    for (const dims of [[2 ** 31], [3e9, 1], [65536, 65536]]) {
      const e = errorOf(() => buildGraph(model({ inputs: [{ name: "big", dtype: "float32", dims }], outputs: ["big"], nodes: [] })));
      expect(e.code).toBe("limit");
      expect(e.subject).toBe('input "big"');
    }
    for (const d of [1.5, Number.MAX_VALUE, 2 ** 63]) {
      const e = errorOf(() => buildGraph(model({ inputs: [{ name: "odd", dtype: "float32", dims: [d] }], outputs: ["odd"], nodes: [] })));
      expect([e.code, e.subject]).toEqual(["bad-shape", 'input "odd"']);
    }
  });

  it("refuses a node output over the one-tensor budget, naming the tensor and the node", () => {
    const e = errorOf(() => buildGraph(model({ constants: new Map([["s", int64([LIMITS.tensorBytes / 4 + 1])]]), outputs: ["y"], nodes: [{ name: "grow", op: "Expand", inputs: ["x", "s"], outputs: ["y"], attrs: {} }] })));
    expect(e.code).toBe("limit");
    expect(e.message).toMatch(/tensor "y" \(output 0 of node "grow" \(Expand\)\)/);
  });
});

describe("constant folding within the budget", () => {
  it("folds a small all-constant op and keeps one over LIMITS.foldBytes as an op", () => {
    const small = buildGraph(fillPlusX(1000));
    expect(small.nodes.map((n) => n.op)).toEqual(["Add"]);
    // 5e6 float32 = 20 MB > 16 MiB: computed at run time, never materialised at compile time.
    const big = buildGraph(fillPlusX(5_000_000));
    expect(big.nodes.map((n) => n.op)).toEqual(["ConstantOfShape", "Add"]);
    expect(big.constants.has("c")).toBe(false);
  });

  it("an over-budget value that a shape input needs is an error naming the node and the origin", () => {
    const e = errorOf(() =>
      buildGraph(model({
        constants: new Map([["s", int64([5_000_000])], ["zero", int64([0])], ["two", int64([2])]]),
        outputs: ["y"],
        nodes: [
          { name: "fill", op: "ConstantOfShape", inputs: ["s"], outputs: ["c"], attrs: { value: int64([1]) } },
          { name: "head", op: "Slice", inputs: ["c", "zero", "two"], outputs: ["shape"], attrs: {} },
          { name: "reshape", op: "Reshape", inputs: ["x", "shape"], outputs: ["y"], attrs: {} },
        ],
      })),
    );
    expect(e.code).toBe("limit");
    expect(e.subject).toBe('node "reshape" (Reshape)');
    expect(e.message).toMatch(/computed from "c", which was not folded: its 38.1 MiB \(40000000 bytes\) exceed the 16 MiB/);
  });

  it("the ledger admits constants up to foldBytes each and foldTotalBytes in all", () => {
    const ledger = new FoldLedger();
    expect(ledger.admit(LIMITS.foldBytes + 1)).toBe(false);
    for (let i = 0; i < LIMITS.foldTotalBytes / LIMITS.foldBytes; i++) expect(ledger.admit(LIMITS.foldBytes)).toBe(true);
    expect(ledger.admit(1)).toBe(false);
    expect(ledger.reason(1)).toMatch(/leave no room/);
  });

  it("Shape of a run-time input folds from its type", () => {
    const g = buildGraph(model({ inputs: [{ name: "x", dtype: "float32", dims: [8192, 8192] }], outputs: ["s"], nodes: [{ name: "shape", op: "Shape", inputs: ["x"], outputs: ["s"], attrs: {} }] }));
    expect(Array.from(g.constants.get("s")!.toNumbers())).toEqual([8192, 8192]);
  });
});

describe("evaluators", () => {
  it("a tensor over the budget is refused before it is allocated", () => {
    for (const shape of [[1e9], [2 ** 31], [65536, 65536, 65536]]) {
      const e = errorOf(() => new Tensor("float32", shape));
      expect(e.code).toBe("limit");
    }
    // The limit itself is allowed (checked without allocating it here).
    expect(() => checkTensorSize("t", "float32", [LIMITS.tensorBytes / 4])).not.toThrow();
  });

  it("the interpreter refuses a run whose values exceed evaluationBytes, before reading its inputs", () => {
    // Five 256 MiB values: x and four Relus.
    const g = buildGraph(model({
      inputs: [{ name: "x", dtype: "float32", dims: [8192, 8192] }],
      outputs: ["r3"],
      nodes: [0, 1, 2, 3].map((i) => ({ name: `relu${i}`, op: "Relu", inputs: [i === 0 ? "x" : `r${i - 1}`], outputs: [`r${i}`], attrs: {} })),
    }));
    const e = errorOf(() => runGraph(g, []));
    expect(e.code).toBe("limit");
    expect(e.message).toMatch(/1\.3 GiB .* more than the 1 GiB/);
  });
});

describe("options, files, images, rule files", () => {
  it("--input-shape refuses sizes beyond int32_t; --resize beyond the pixel limit", () => {
    expect(errorOf(() => parseInputShapes(["x=3000000000x1"])).subject).toBe("option --input-shape");
    expect(parseInputShapes(["x=2147483647x1"]).get("x")).toEqual([2147483647, 1]);
    expect(errorOf(() => dataOptions({ calibMethod: "kl", resize: "4097x4096" })).subject).toBe("option --resize");
    expect(dataOptions({ calibMethod: "kl", resize: "4096x4096" }).resize).toEqual([4096, 4096]);
  });

  it("devices and folders are refused without reading", () => {
    expect(errorOf(() => readFileWithin("/dev/zero", "model file /dev/zero")).message).toMatch(/device/);
    expect(errorOf(() => readFileWithin(work, "model file w")).message).toMatch(/folder/);
  });

  it("reads PNG and JPEG dimensions from the header", () => {
    const png = new PNG({ width: 7, height: 5 });
    expect(imageHeaderSize(PNG.sync.write(png), "png")).toEqual({ width: 7, height: 5 });
    const jpg = jpeg.encode({ width: 9, height: 4, data: Buffer.alloc(9 * 4 * 4, 200) }, 90).data;
    expect(imageHeaderSize(new Uint8Array(jpg), "jpeg")).toEqual({ width: 9, height: 4 });
    expect(imageHeaderSize(new Uint8Array([1, 2, 3]), "png")).toBeUndefined();
    expect(imageHeaderSize(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]), "jpeg")).toBeUndefined();
  });

  it("rule lists nest at most ruleNesting deep; :check shapes hold at most checkElements", () => {
    const nested = (depth: number) => `${"(".repeat(depth)}${")".repeat(depth)}`;
    expect(parseSExprs(nested(LIMITS.ruleNesting), "ok.rules")).toHaveLength(1);
    expect(errorOf(() => parseSExprs(nested(LIMITS.ruleNesting + 1), "deep.rules")).subject).toBe(`deep.rules:1:${LIMITS.ruleNesting + 1}`);
    const rule = (dims: string) => `(rule r (Relu ?x) => (Relu ?x) :check (?x [${dims}]))`;
    expect(parseRules(rule("1024 1024"), "a.rules")).toHaveLength(1);
    expect(errorOf(() => parseRules(rule("1024 1024 n"), "b.rules")).message).toMatch(/3145728 elements/);
  });
});
