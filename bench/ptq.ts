/**
 * bench:ptq (issue 14): post-training quantization with the defaults, the same for every network.
 * 1. pairs: every float network of the corpus with an int8 twin made by the TensorFlow converter:
 *    output SQNR against the float model per range method (GPTQ weights) and for the default with
 *    round-to-nearest weights, and the converter's, on evaluation inputs disjoint from calibration;
 *    the margins and their geometric mean.
 * 2. constructed: the MLPerf Tiny networks the corpus lacks (bench/ptq-synthetic.ts).
 * 3. guard: every corpus network with real inputs quantized as `egret compile` does by default:
 *    the output SQNR it prints on the calibration samples, whether it warned, and the output SQNR
 *    on other inputs (never below 20 dB without the warning).
 * 4. mnist: accuracy through the generated C.   5. mixed: --int16-budget 25.
 * Run: `npm run bench:ptq [-- --only pairs|constructed|guard|mnist|mixed]` (needs ../shared and cc).
 * Prints measurements; asserts nothing.
 */
import { SHARED_DIR } from "../test/support/testdata.js";
import { guardTable, mixedTable, mnistTable } from "./ptq-checks.js";
import { converter, measure, prepare, type Network } from "./ptq-compare.js";
import { CORPUS_PAIRS, EXCLUDED_PAIRS } from "./ptq-models.js";
import { autoencoderCase, mobilenetCase } from "./ptq-synthetic.js";
import { db, printSettings, worstLayer } from "./ptq-format.js";
import { CALIBRATION_METHODS, DEFAULT_CALIBRATION_METHOD } from "../src/quantize/ranges/index.js";
import { DEFAULT_WEIGHT_ROUNDING } from "../src/quantize/weight-rounding.js";

const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const want = (section: string) => only === undefined || only === section;

/** One row per network: the default, the default with nearest rounding, each method, and the converter when there is one. */
function methodsRow(n: Network, tf?: Parameters<typeof converter>[0]): { cells: string[]; ours: number; theirs?: number } {
  const p = prepare(n);
  const ours = measure(n, p, DEFAULT_CALIBRATION_METHOD, DEFAULT_WEIGHT_ROUNDING);
  const nearest = measure(n, p, DEFAULT_CALIBRATION_METHOD, "nearest");
  const methods = CALIBRATION_METHODS.filter((m) => m !== DEFAULT_CALIBRATION_METHOD).map((m) => db(measure(n, p, m, DEFAULT_WEIGHT_ROUNDING).sqnrDb));
  const cells = [n.name, `${n.calib.length} / ${n.evalSet.length}`, db(ours.sqnrDb), db(nearest.sqnrDb), ...methods, worstLayer(p.program, ours.result, n.evalSet)];
  if (!tf) return { cells, ours: ours.sqnrDb };
  const theirs = converter(tf, n, p);
  cells.push(db(theirs.sqnrDb), db(ours.sqnrDb - theirs.sqnrDb), `${ours.top1.toFixed(3)} / ${theirs.top1.toFixed(3)}`);
  return { cells, ours: ours.sqnrDb, theirs: theirs.sqnrDb };
}

const methodColumns = ["default", "default, nearest weights", ...CALIBRATION_METHODS.filter((m) => m !== DEFAULT_CALIBRATION_METHOD), "worst layer (default)"];

printSettings();

if (want("pairs")) {
  console.log("\n## Float/int8 pairs of the corpus: output SQNR against the float model (dB), evaluation inputs disjoint from calibration\n");
  const header = ["network", "calib / eval", ...methodColumns, "converter int8", "margin", "top-1 agreement default / converter"];
  console.log(`| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
  const margins: { name: string; margin: number }[] = [];
  for (const pair of CORPUS_PAIRS) {
    const c = pair.make(SHARED_DIR);
    const row = methodsRow(c, c.tfGraph);
    console.log(`| ${row.cells.join(" | ")} |`);
    margins.push({ name: c.name, margin: row.ours - row.theirs! });
  }
  const mean = margins.reduce((a, m) => a + m.margin, 0) / margins.length;
  console.log(`\nmargins (default - converter): ${margins.map((m) => `${m.name} ${m.margin >= 0 ? "+" : ""}${m.margin.toFixed(2)} dB`).join(", ")}`);
  console.log(`geometric mean of the SQNR ratios default / converter: ${(10 ** (mean / 10)).toFixed(3)} (mean margin ${mean >= 0 ? "+" : ""}${mean.toFixed(2)} dB); default >= converter on every pair: ${margins.every((m) => m.margin >= 0) ? "yes" : "NO"}`);
  console.log("\nnot compared:");
  for (const e of EXCLUDED_PAIRS) console.log(`- ${e}`);
}

if (want("constructed")) {
  console.log("\n## Constructed MLPerf Tiny networks (not in the corpus): output SQNR against the float model (dB)\n");
  const header = ["network", "calib / eval", ...methodColumns];
  console.log(`| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|`);
  for (const n of [autoencoderCase(), mobilenetCase(96, 8, 8)]) console.log(`| ${methodsRow(n).cells.join(" | ")} |`);
}

if (want("guard")) guardTable(SHARED_DIR);
if (want("mnist")) mnistTable(SHARED_DIR);
if (want("mixed")) mixedTable(SHARED_DIR);
