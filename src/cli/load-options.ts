import { Option, type Command } from "commander";
import type { Graph } from "../ir/graph.js";
import { readNpy } from "../io/npy.js";
import { egret } from "../index.js";
import { parseConstInputs, parseInputShapes } from "./options.js";

/** The model-loading options, one definition for every command that reads a model. */
export interface LoadOptions {
  inputShape: string[];
  constInput: string[];
  inputs?: string;
  outputs?: string;
  prototxt?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const nameList = (list: string | undefined) => (list ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "");

/** Adds `--input-shape`, `--const-input`, `--inputs`, `--outputs` and `--prototxt` to a command. */
export function addLoadOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--input-shape <name=dims>", "static shape for an input with unknown or symbolic dims, e.g. x=1x3x32x32 (repeatable)").argParser(collect).default([] as string[]))
    .addOption(new Option("--const-input <name=file.npy>", "freeze an input to the value in a .npy file, so shapes or axes fed as inputs become static (repeatable)").argParser(collect).default([] as string[]))
    .addOption(new Option("--inputs <names>", "TensorFlow .pb: comma-separated node names that become the model inputs"))
    .addOption(new Option("--outputs <names>", "TensorFlow .pb: comma-separated node names that become the model outputs"))
    .addOption(new Option("--prototxt <file>", "Caffe .caffemodel: the deploy .prototxt defining the net (instead of the net embedded in the .caffemodel)"));
}

/** Imports a model file with the loading options (formats recognised by content). */
export function loadModel(path: string, opts: LoadOptions): Graph {
  return egret.importModelFile(path, {
    inputShapes: parseInputShapes(opts.inputShape),
    constantInputs: parseConstInputs(opts.constInput, readNpy),
    tfInputs: nameList(opts.inputs),
    tfOutputs: nameList(opts.outputs),
    ...(opts.prototxt === undefined ? {} : { prototxt: opts.prototxt }),
    onNote: (note) => console.error(`egret: note: ${note}`),
  });
}

/** Model formats are recognised by content; this is the argument's help text. */
export const MODEL_ARGUMENT = "model file: ONNX, TFLite, Caffe .caffemodel, TensorFlow .pb or Keras .h5 (recognised by content)";
