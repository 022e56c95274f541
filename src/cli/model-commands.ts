import type { Command } from "commander";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../errors.js";
import { egret } from "../index.js";
import type { Tensor } from "../ir/tensor.js";
import { readNpy, writeNpy } from "../io/npy.js";
import { readFileHead, readFileWithin } from "../io/read-file.js";
import type { ModelFileReader } from "../pipeline/target.js";
import { formatInfo } from "./info.js";
import { addLoadOptions, loadModel, type LoadOptions } from "./load-options.js";

const collect = (value: string, previous: string[]) => [...previous, value];

/** The plugin reader for a file Egret does not compile (e.g. a compiled accelerator model), if any. */
function readerFor(path: string): ModelFileReader | undefined {
  let head: Uint8Array;
  try {
    head = new Uint8Array(readFileHead(path, 64));
  } catch {
    return undefined; // unreadable: the importer names the problem
  }
  return egret.toolchain.readers.find((r) => r.detect(head));
}

const readersText = () => egret.toolchain.readers.map((r) => `.${r.extensions[0] ?? r.format}`).join(", ");

/** `egret info`: any model compile takes, or a file a target plugin reads. */
export function registerInfoCommand(program: Command): void {
  addLoadOptions(
    program
      .command("info")
      .description("show a model's inputs, outputs, op counts, parameters and MACs")
      .argument("<model>", `model file: ONNX, TFLite, Caffe .caffemodel, TensorFlow .pb, Keras .h5, or a file a target reads (${readersText()}); recognised by content`)
      .option("--json", "print machine-readable JSON"),
  ).action((model: string, opts: LoadOptions & { json?: boolean }) => {
    const reader = readerFor(model);
    if (reader !== undefined) {
      const info = reader.describe(new Uint8Array(readFileWithin(model, `${reader.format} ${model}`)), model);
      console.log(opts.json ? JSON.stringify(info.json, null, 2) : info.text);
      return;
    }
    const info = egret.describeGraph(loadModel(model, opts));
    console.log(opts.json ? JSON.stringify(info, null, 2) : formatInfo(info));
  });
}

/** `egret run`: the reference interpreter, or a target plugin's runner for a file it reads. */
export function registerRunCommand(program: Command): void {
  addLoadOptions(
    program
      .command("run")
      .description("run a model in the reference interpreter on .npy inputs and write .npy outputs")
      .argument("<model>", `model file (any format compile takes), or a file a target reads and runs (${readersText()})`)
      .requiredOption("--input <file.npy>", "an input tensor, in model input order (repeatable)", collect, [] as string[])
      .requiredOption("--output-dir <dir>", "where to write <output name>.npy files"),
  ).action((model: string, opts: LoadOptions & { input: string[]; outputDir: string }) => {
    const inputs = opts.input.map((p) => readNpy(p));
    const reader = readerFor(model);
    const outputs = reader !== undefined ? reader.run(new Uint8Array(readFileWithin(model, `${reader.format} ${model}`)), model, inputs) : runModel(model, opts, inputs);
    try {
      mkdirSync(opts.outputDir, { recursive: true });
    } catch (e) {
      fail("io", `output directory ${opts.outputDir}`, `cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    for (const { name, tensor } of outputs) {
      const file = join(opts.outputDir, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.npy`);
      writeNpy(file, tensor);
      console.log(`${name}: ${tensor.dtype}[${tensor.shape.join("x")}] -> ${file}`);
    }
  });
}

function runModel(model: string, opts: LoadOptions, inputs: readonly Tensor[]): Array<{ name: string; tensor: Tensor }> {
  const graph = loadModel(model, opts);
  const outputs = egret.runGraph(graph, inputs);
  return graph.outputs.map((o, i) => ({ name: o.name, tensor: outputs[i]! }));
}
