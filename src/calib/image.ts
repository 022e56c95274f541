import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { fail } from "../errors.js";
import { LIMITS } from "../limits.js";
import { checkImagePixels, imageHeaderSize } from "./image-size.js";

/** A decoded image: `channels` interleaved 8-bit samples per pixel, row-major (HWC). */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly pixels: Float64Array;
}

export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"] as const;

/**
 * Decodes a PNG (pngjs) or JPEG (jpeg-js) file to RGB. Both libraries return RGBA; alpha is
 * dropped (calibration inputs are opaque camera/scan data), 16-bit PNGs are scaled to 8 bits by
 * pngjs. `kind` comes from the extension; a file whose bytes do not decode is reported, naming it.
 */
export function decodeImage(bytes: Uint8Array, kind: "png" | "jpeg", subject: string): Image {
  const declared = imageHeaderSize(bytes, kind);
  if (declared !== undefined) checkImagePixels(declared.width, declared.height, subject);
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  try {
    if (kind === "png") {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } else {
      // Both limits bound what a hostile or broken header can make the decoder allocate.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024, maxResolutionInMP: LIMITS.imagePixels / 1e6 });
      ({ width, height } = img);
      rgba = img.data;
    }
  } catch (e) {
    return fail("parse", subject, `is not a readable ${kind === "png" ? "PNG" : "JPEG"} image (${e instanceof Error ? e.message : String(e)}); re-export it or remove it from the calibration data`);
  }
  checkImagePixels(width, height, subject);
  if (width <= 0 || height <= 0 || rgba.length < width * height * 4) fail("parse", subject, `decodes to an empty or truncated ${width}x${height} image; re-export it`);
  const pixels = new Float64Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    pixels[p * 3] = rgba[p * 4]!;
    pixels[p * 3 + 1] = rgba[p * 4 + 1]!;
    pixels[p * 3 + 2] = rgba[p * 4 + 2]!;
  }
  return { width, height, channels: 3, pixels };
}

/**
 * Converts to `channels` (1: ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B, as PIL's "L" mode;
 * 3: RGB; a 1-channel image is replicated to 3).
 */
export function toChannels(image: Image, channels: number, subject: string): Image {
  if (image.channels === channels) return image;
  const n = image.width * image.height;
  const out = new Float64Array(n * channels);
  const src = image.pixels;
  if (channels === 1 && image.channels === 3) {
    for (let p = 0; p < n; p++) out[p] = 0.299 * src[p * 3]! + 0.587 * src[p * 3 + 1]! + 0.114 * src[p * 3 + 2]!;
  } else if (channels === 3 && image.channels === 1) {
    for (let p = 0; p < n; p++) out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = src[p]!;
  } else {
    fail("bad-shape", subject, `has ${image.channels} channels and the model input wants ${channels}; images feed inputs with 1 (grayscale) or 3 (RGB) channels`);
  }
  return { ...image, channels, pixels: out };
}

/**
 * Bilinear resize with half-pixel centres (src = (dst + 0.5) * in / out - 0.5, clamped to the
 * edge), i.e. TensorFlow's resize_bilinear(half_pixel_centers=True) and OpenCV's INTER_LINEAR.
 * No antialiasing filter: strong downscaling aliases, as in those libraries' defaults.
 */
export function resizeBilinear(image: Image, height: number, width: number): Image {
  if (image.height === height && image.width === width) return image;
  checkImagePixels(width, height, `resizing ${image.width}x${image.height} to ${width}x${height}`);
  const c = image.channels;
  const out = new Float64Array(height * width * c);
  const axis = (dst: number, outSize: number, inSize: number): [number, number, number] => {
    const s = Math.min(Math.max((dst + 0.5) * (inSize / outSize) - 0.5, 0), inSize - 1);
    const lo = Math.floor(s);
    return [lo, Math.min(lo + 1, inSize - 1), s - lo];
  };
  const src = image.pixels;
  for (let y = 0; y < height; y++) {
    const [y0, y1, fy] = axis(y, height, image.height);
    for (let x = 0; x < width; x++) {
      const [x0, x1, fx] = axis(x, width, image.width);
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number): number => src[(yy * image.width + xx) * c + k]!;
        const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
        const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
        out[(y * width + x) * c + k] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { width, height, channels: c, pixels: out };
}

/** The centre `height` x `width` window (after a resize to a larger size, as in ImageNet's 256 -> 224). */
export function centerCrop(image: Image, height: number, width: number, subject: string): Image {
  if (image.height === height && image.width === width) return image;
  if (image.height < height || image.width < width) {
    fail("bad-option", subject, `is ${image.width}x${image.height} after --resize, smaller than the model input ${width}x${height}; --resize must be at least the input size`);
  }
  const top = Math.floor((image.height - height) / 2);
  const left = Math.floor((image.width - width) / 2);
  const c = image.channels;
  const out = new Float64Array(height * width * c);
  for (let y = 0; y < height; y++) {
    const row = ((top + y) * image.width + left) * c;
    out.set(image.pixels.subarray(row, row + width * c), y * width * c);
  }
  return { width, height, channels: c, pixels: out };
}
