/**
 * The K210 plugin's own compile options (`TargetPlugin.options`): `--input-type uint8` (frames
 * placed straight into KPU RAM, x = (u/255 - mean)/std with the calibration data's --mean/--std) and
 * `--no-kmodel` (the C program only). The CLI hands their values to the pipeline by key; the
 * lowering and the files read them here.
 */
import { fail } from "../../src/errors.js";
import type { TargetOption, TargetOptionValues } from "../../src/pipeline/target.js";
import type { Uint8InputSpec } from "./uint8-input.js";

export const K210_OPTIONS: readonly TargetOption[] = [
  {
    flags: "--input-type <type>",
    key: "inputType",
    description: "k210: uint8 = the model takes uint8 planar (NCHW) frames, x = (u/255 - mean)/std with --mean/--std, placed straight into KPU RAM",
    choices: ["float32", "uint8"],
    default: "float32",
  },
  {
    flags: "--no-kmodel",
    key: "kmodel",
    description: "k210: write the C program only, no model.kmodel (without it, a program kmodel v4 cannot express is an error)",
    default: true,
  },
];

/**
 * `--input-type uint8`: the pixel meaning from --mean/--std (one value, or the same value for every
 * channel: it becomes one uint8 quantisation). Undefined for float32.
 */
export function uint8InputOf(values: TargetOptionValues): Uint8InputSpec | undefined {
  if (values["inputType"] === undefined || values["inputType"] === "float32") return undefined;
  const one = (name: "mean" | "std", dflt: number): number => {
    const v = values[name];
    if (v === undefined || typeof v !== "object") return dflt;
    if (v.some((x) => x !== v[0])) fail("bad-option", `option --${name}`, `--input-type uint8 folds one ${name} into the first KPU layer's quantisation; got different per-channel values ${v.join(",")}`);
    return v[0]!;
  };
  return { mean: one("mean", 0), std: one("std", 1) };
}

/** `--no-kmodel` given: write the C program only. */
export function kmodelWanted(values: TargetOptionValues): boolean {
  return values["kmodel"] !== false;
}
