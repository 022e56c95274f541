import { Option } from "commander";
import { fail } from "../errors.js";
import { importModelFile } from "../importers/index.js";
import { readNpy } from "../io/npy.js";
import { parseConstInputs, parseInputShapes } from "./options.js";

/** Commander collector for repeatable options. */
export const collect = (value: string, previous: string[]) => [...previous, value];

export const inputShapeOption = () =>
  new Option("--input-shape <name=dims>", "static shape for an input with unknown or symbolic dims, e.g. x=1x3x32x32 (repeatable)")
    .argParser(collect)
    .default([] as string[]);

export const constInputOption = () =>
  new Option("--const-input <name=file.npy>", "freeze an input to the value in a .npy file, so shapes or axes fed as inputs become static (repeatable)")
    .argParser(collect)
    .default([] as string[]);

/** TensorFlow GraphDef subgraph selection: comma-separated node names. */
export const inputsOption = () => new Option("--inputs <names>", "TensorFlow .pb: comma-separated node names that become the model inputs");
export const outputsOption = () => new Option("--outputs <names>", "TensorFlow .pb: comma-separated node names that become the model outputs");
/** Caffe: the deploy net that defines the graph of a .caffemodel (its blobs are matched by layer name). */
export const prototxtOption = () => new Option("--prototxt <file>", "Caffe .caffemodel: the deploy .prototxt defining the net (instead of the net embedded in the .caffemodel)");
const nameList = (list: string | undefined) => (list ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "");

/** The options every command that imports a model takes. */
export interface LoadOptions {
  inputShape: string[];
  constInput: string[];
  inputs?: string;
  outputs?: string;
  prototxt?: string;
}

export function load(model: string, opts: LoadOptions) {
  return importModelFile(model, {
    inputShapes: parseInputShapes(opts.inputShape),
    constantInputs: parseConstInputs(opts.constInput, readNpy),
    tfInputs: nameList(opts.inputs),
    tfOutputs: nameList(opts.outputs),
    ...(opts.prototxt === undefined ? {} : { prototxt: opts.prototxt }),
  });
}

/** `--sram-budget` value: whole bytes, optionally with a k/K (1024) suffix. */
export function parseBytes(text: string): number {
  const match = /^(\d+)([kK]?)$/.exec(text.trim());
  if (match === null) fail("bad-option", "option --sram-budget", `"${text}" is not a number of bytes (e.g. 65536 or 64k)`);
  return Number(match[1]) * (match[2] === "" ? 1 : 1024);
}
