import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileGraph, EgretError, importModelFile } from "../../src/index.js";
import { compareClose } from "../support/c-run.js";
import { sharedForListing } from "../support/shared-skip.js";
import { buildModel, type BuiltModel } from "../conformance/c-build.js";
import { ATOL, RTOL } from "../conformance/onnx-backend.js";
import { EXCLUDED, listOnnxModels, openOracle, SHARED_ONNX_DIR } from "./shared-models.js";

/**
 * Every float ONNX model of the shared corpus compiles to C, builds with the strict flags and
 * matches onnxruntime on its own test data (or seeded random input). Models with no float path
 * are listed in EXCLUDED and must be refused with a clear EgretError.
 */

interface Row {
  readonly model: string;
  readonly inputs: string;
  readonly reference: string;
  readonly maxAbs: number;
  readonly arenaBytes: number;
  readonly lowerBound: number;
  readonly weightBytes: number;
}

const MODEL_TIMEOUT_MS = 300_000;

describe("shared ONNX models vs onnxruntime", () => {
  if (sharedForListing(`the shared ONNX model tests (${SHARED_ONNX_DIR})`) === undefined) return;
  const models = listOnnxModels(SHARED_ONNX_DIR);
  const rows: Row[] = [];
  afterAll(() => {
    if (rows.length > 0) console.log(formatTable(rows));
  });

  it("finds the corpus and every excluded model in it", () => {
    expect(models.length).toBeGreaterThan(0);
    for (const path of Object.keys(EXCLUDED)) expect(models, `excluded model ${path}`).toContain(path);
  });

  for (const model of models) {
    const abs = join(SHARED_ONNX_DIR, model);
    const excluded = EXCLUDED[model];
    if (excluded) {
      it(`${model} is refused with a clear EgretError (${excluded.reason})`, () => {
        let error: unknown;
        try {
          compileGraph(importModelFile(abs));
        } catch (e) {
          error = e;
        }
        expect(error, "the model has no float path: Egret must refuse it").toBeInstanceOf(EgretError);
        expect(excluded.codes).toContain((error as EgretError).code);
      });
      continue;
    }
    it(`${model} compiles, builds and matches onnxruntime`, async () => {
      const oracle = await openOracle(abs);
      let built: BuiltModel | undefined;
      let maxAbs = 0;
      try {
        const graph = importModelFile(abs, { inputShapes: oracle.inputShapes });
        built = await buildModel(graph);
        for (const c of oracle.cases) {
          const feeds = graph.inputs.map((i) => {
            const t = c.feeds.get(i.name);
            if (!t) throw new Error(`input set ${c.source} has no value for graph input "${i.name}"`);
            return t;
          });
          const actual = await built.run(feeds);
          const expected = await c.expected();
          graph.outputs.forEach((o, i) => {
            const want = expected.get(o.name);
            const where = `${c.source}, output "${o.name}" vs ${oracle.name}`;
            if (!want) throw new Error(`${where}: the reference has no such output`);
            const got = actual[i]!;
            expect(got.dtype, where).toBe(want.dtype);
            expect(got.shape, where).toEqual(want.shape);
            const cmp = compareClose(got, want, RTOL, ATOL);
            maxAbs = Math.max(maxAbs, cmp.maxAbs);
            expect(cmp.ok, `${where}: max abs error ${cmp.maxAbs} (first mismatch at element ${cmp.where})`).toBe(true);
          });
        }
      } finally {
        await built?.dispose();
        await oracle.release();
      }
      const s = built.summary;
      rows.push({
        model,
        inputs: oracle.cases.map((x) => x.source).join(" "),
        reference: oracle.name,
        maxAbs,
        arenaBytes: s.arenaBytes,
        lowerBound: s.arenaLowerBound,
        weightBytes: s.weightsBytes,
      });
    }, MODEL_TIMEOUT_MS);
  }
});

function formatTable(rows: readonly Row[]): string {
  const header = ["model", "inputs", "reference", "max abs error", "arena bytes", "lower bound", "weight bytes"];
  const body = [...rows]
    .sort((a, b) => (a.model < b.model ? -1 : 1))
    .map((r) => [r.model, r.inputs, r.reference, r.maxAbs.toExponential(2), String(r.arenaBytes), String(r.lowerBound), String(r.weightBytes)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i <= 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
