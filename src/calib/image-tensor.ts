import { fail } from "../errors.js";
import { Tensor } from "../ir/tensor.js";
import type { CalibInput } from "./arrays.js";
import { centerCrop, resizeBilinear, toChannels, type Image } from "./image.js";
import { checkImagePixels } from "./image-size.js";

export type Layout = "nchw" | "nhwc";

export interface ImageOptions {
  /** Per-channel (or one shared) mean and std applied to x/255 for float inputs. */
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
  /** Layout of the input; inferred from which axis holds 1 or 3 channels when absent. */
  readonly layout?: Layout;
  /** Resize to [h, w] first, then centre-crop to the input size; absent: resize straight to it. */
  readonly resize?: readonly [number, number];
}

interface Geometry { readonly layout: Layout; readonly channels: number; readonly height: number; readonly width: number }

/**
 * The image geometry of an input: [1,C,H,W]/[C,H,W] (nchw), [1,H,W,C]/[H,W,C] (nhwc) or [H,W]
 * (one grayscale channel). Without --layout: nchw when the first axis is 3, else nhwc when the last
 * is 3, else the same test with 1 (grayscale); otherwise the user must say.
 */
export function imageGeometry(input: CalibInput, layout: Layout | undefined, subject: string): Geometry {
  const s = input.shape;
  const dims = s.length === 4 && s[0] === 1 ? s.slice(1) : s.length === 3 || s.length === 2 ? s : undefined;
  if (!dims) fail("bad-shape", subject, `cannot feed input "${input.name}" of shape [${s.join(",")}]: images feed [1,C,H,W], [1,H,W,C], [C,H,W], [H,W,C] or [H,W] inputs; use .npy data instead`);
  if (dims.length === 2) return { layout: layout ?? "nchw", channels: 1, height: dims[0]!, width: dims[1]! };
  const chosen = layout ?? (dims[0] === 3 ? "nchw" : dims[2] === 3 ? "nhwc" : dims[0] === 1 ? "nchw" : dims[2] === 1 ? "nhwc" : undefined);
  if (!chosen) fail("bad-option", subject, `input "${input.name}" [${s.join(",")}] has no 1- or 3-channel axis first or last; pass --layout nchw|nhwc`);
  const [c, h, w] = chosen === "nchw" ? [dims[0]!, dims[1]!, dims[2]!] : [dims[2]!, dims[0]!, dims[1]!];
  return { layout: chosen, channels: c, height: h, width: w };
}

/**
 * Turns a decoded image into one sample of `input`: channel conversion, resize (+ centre crop),
 * then values. float inputs: (x/255 - mean[c]) / std[c] (defaults 0 and 1: values in [0,1]).
 * uint8 inputs: the pixel values 0..255; int8 inputs: pixel - 128 (the usual uint8->int8 shift).
 * mean/std with an integer input is refused: quantized inputs carry their own scale.
 */
export function imageToTensor(image: Image, input: CalibInput, options: ImageOptions, subject: string): Tensor {
  const g = imageGeometry(input, options.layout, subject);
  let img = toChannels(image, g.channels, subject);
  if (options.resize && !(options.resize.length === 2 && options.resize.every((d) => Number.isInteger(d) && d >= 1))) {
    fail("bad-option", "option --resize", `must be two positive integers HxW, got ${JSON.stringify(options.resize)}`);
  }
  if (options.resize) checkImagePixels(options.resize[1], options.resize[0], "option --resize");
  checkImagePixels(g.width, g.height, `input "${input.name}" as an image`);
  if (options.resize) img = centerCrop(resizeBilinear(img, options.resize[0], options.resize[1]), g.height, g.width, subject);
  else img = resizeBilinear(img, g.height, g.width);
  const plane = g.height * g.width;
  const values = new Float64Array(plane * g.channels);
  const perChannel = (what: "mean" | "std", list: readonly number[] | undefined, fallback: number): number[] => {
    if (!list) return new Array<number>(g.channels).fill(fallback);
    if (list.length === 1) return new Array<number>(g.channels).fill(list[0]!);
    if (list.length !== g.channels) fail("bad-option", `option --${what}`, `has ${list.length} values; input "${input.name}" has ${g.channels} channels: give 1 or ${g.channels}`);
    return [...list];
  };
  const mean = perChannel("mean", options.mean, 0);
  const std = perChannel("std", options.std, 1);
  if (std.some((v) => v === 0 || !Number.isFinite(v))) fail("bad-option", "option --std", "must be finite and non-zero");
  const isFloat = input.dtype === "float32" || input.dtype === "float64" || input.dtype === "float16";
  if (!isFloat && (options.mean || options.std)) fail("bad-option", "option --mean/--std", `do not apply to the ${input.dtype} input "${input.name}"; it takes raw pixel values`);
  if (!isFloat && input.dtype !== "uint8" && input.dtype !== "int8") {
    fail("unsupported-dtype", subject, `cannot feed the ${input.dtype} input "${input.name}": images feed float, uint8 or int8 inputs; use .npy data instead`);
  }
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < g.channels; c++) {
      const x = img.pixels[p * g.channels + c]!;
      const v = isFloat ? (x / 255 - mean[c]!) / std[c]! : Math.round(x) - (input.dtype === "int8" ? 128 : 0);
      values[g.layout === "nchw" ? c * plane + p : p * g.channels + c] = v;
    }
  }
  return Tensor.fromNumbers(input.dtype, input.shape, values);
}
