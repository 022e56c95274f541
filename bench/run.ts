/**
 * `npm run bench`: compiles every shared ONNX model, the shared TensorFlow/Caffe models and every
 * libonnx pytorch-converted case without and with the e-graph optimizer, and prints kernel calls,
 * arena bytes, compile time, the optimizer's saturation+extraction time and predicted Cortex-M4
 * cycles before/after with their ratios. A benchmark, not a test: it asserts
 * nothing and exits 0 whatever the numbers are.
 */
import { corpusModels, SHARED_MODELS_DIR } from "./corpus.js";
import { formatTable } from "./format.js";
import { pytorchConvertedModels, PYTORCH_CONVERTED_DIR, sharedModels, SHARED_ONNX_DIR } from "./models.js";
import { benchTable } from "./table.js";

function main(): void {
  const shared = sharedModels();
  const converted = pytorchConvertedModels();
  const corpus = corpusModels();
  if (shared.length === 0) console.log(`note: ${SHARED_ONNX_DIR} is absent or empty: shared models not measured`);
  if (corpus.length === 0) console.log(`note: no TensorFlow/Caffe models under ${SHARED_MODELS_DIR}: corpus not measured`);
  if (converted.length === 0) console.log(`note: ${PYTORCH_CONVERTED_DIR} is absent: pytorch-converted not measured`);

  const started = Date.now();
  const table = benchTable([...shared, ...corpus, ...converted], {
    onModel: (model, index, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r[${index + 1}/${total}] ${model}`.padEnd(100).slice(0, 100));
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\r".padEnd(101) + "\r");

  console.log(formatTable(table));
  for (const row of table.rows) if (row.afterError) console.log(`note: optimizer failed on ${row.model}: ${row.afterError}`);
  for (const s of table.skipped) console.log(`note: skipped ${s.model}: ${s.reason}`);
  console.log(`bench finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
