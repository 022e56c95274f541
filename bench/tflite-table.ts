/**
 * Per-model figures for the TFLite corpus (issue 4): what the model contains (op counts, MACs,
 * weights) and what Egret makes of it (arena bytes, compile time) beside the arena TensorFlow Lite
 * Micro needed for the same model (its golden record, bench/tflm-arena.ts).
 * A measurement, not a test: test/importers/tflite-table.test.ts only checks the table's structure.
 */
import { join } from "node:path";
import { egret } from "../src/index.js";
import { tflmArenaFor } from "./tflm-arena.js";

/** A TFLite model of the table: its short name and path under ../shared. */
export interface TfliteTableModel {
  readonly name: string;
  readonly path: string;
}

export const TFLITE_TABLE_MODELS: readonly TfliteTableModel[] = [
  { name: "kws_ref_model", path: "models/tflite/mlperf-tiny/kws/kws_ref_model.tflite" },
  { name: "person_detect", path: "models/tflite/tflm-models/person_detect.tflite" },
  { name: "pretrainedResnet_quant", path: "models/tflite/mlperf-tiny/ic/pretrainedResnet_quant.tflite" },
  { name: "network_tester", path: "models/tflite/tflm-examples/network_tester/network_model.tflite" },
  { name: "hello_world_int8", path: "models/tflite/tflm-examples/hello_world/hello_world_int8.tflite" },
  { name: "keyword_scrambled", path: "models/tflite/tflm-models/keyword_scrambled.tflite" },
  { name: "dtln", path: "models/tflite/tflm-examples/dtln/dtln_noise_suppression.tflite" },
];

export interface TfliteTableRow {
  readonly model: string;
  /** IR op type -> node count of the imported graph (before optimisation). */
  readonly ops: Readonly<Record<string, number>>;
  readonly macs: number;
  /** Egret's planned arena (`compile(...).summary.arenaBytes`). */
  readonly arenaBytes: number;
  /** TFLite Micro's arena for the same model; undefined without a golden record. */
  readonly tflmArenaBytes: number | undefined;
  readonly weightsBytes: number;
  /** Wall time of one `compile` (import excluded). */
  readonly compileMs: number;
}

/** Imports and compiles each model (default options, host target) and measures it. */
export function tfliteTableRows(sharedDir: string, models: readonly TfliteTableModel[] = TFLITE_TABLE_MODELS): TfliteTableRow[] {
  return models.map(({ name, path }) => {
    const file = join(sharedDir, path);
    const graph = egret.importModelFile(file);
    const info = egret.describeGraph(graph);
    const started = performance.now();
    const { summary } = egret.compile(graph, { sourceName: file });
    const compileMs = performance.now() - started;
    return {
      model: name,
      ops: info.ops,
      macs: info.macs,
      arenaBytes: summary.arenaBytes,
      tflmArenaBytes: tflmArenaFor(file),
      weightsBytes: summary.weightsBytes,
      compileMs,
    };
  });
}

export const TFLITE_TABLE_COLUMNS = ["model", "ops", "MACs", "arena B", "TFLM arena B", "weights B", "compile ms"] as const;

/** The rows as a markdown table; ops read `Op×count` sorted by op name, a missing TFLM arena "-". */
export function tfliteTableMarkdown(rows: readonly TfliteTableRow[]): string {
  const cells = rows.map((r) => [
    r.model,
    Object.entries(r.ops).map(([op, n]) => `${op}×${n}`).join(" "),
    String(r.macs),
    String(r.arenaBytes),
    r.tflmArenaBytes === undefined ? "-" : String(r.tflmArenaBytes),
    String(r.weightsBytes),
    r.compileMs.toFixed(0),
  ]);
  const line = (values: readonly string[]) => `| ${values.join(" | ")} |`;
  return [line(TFLITE_TABLE_COLUMNS), line(TFLITE_TABLE_COLUMNS.map(() => "---")), ...cells.map(line)].join("\n");
}
