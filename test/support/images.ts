import { readFileSync } from "node:fs";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { Tensor } from "../../src/index.js";

/** An 8-bit RGBA image, row-major (the layout both decoders produce). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

export function readPng(path: string): RgbaImage {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
}

export function readJpeg(path: string): RgbaImage {
  const img = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, rgba: img.data };
}

/**
 * Bilinear resize with half-pixel centres (OpenCV's INTER_LINEAR without its fixed-point
 * rounding), kept in float so no second rounding happens before normalisation. Returns RGB
 * planes [3][height][width].
 */
export function resizeBilinearRgb(img: RgbaImage, width: number, height: number): Float32Array {
  const out = new Float32Array(3 * width * height);
  const sx = img.width / width;
  const sy = img.height / height;
  const at = (x: number, y: number, c: number) => img.rgba[(y * img.width + x) * 4 + c]!;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top = at(x0, y0, c) * (1 - wx) + at(x1, y0, c) * wx;
        const bottom = at(x0, y1, c) * (1 - wx) + at(x1, y1, c) * wx;
        out[(c * height + y) * width + x] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/** Planar RGB [3][h][w] as an NCHW float tensor [1, 3, h, w] with `(v - mean) * scale` applied. */
export function rgbPlanesToNchw(planes: Float32Array, width: number, height: number, mean: number, scale: number): Tensor {
  return Tensor.fromNumbers("float32", [1, 3, height, width], Array.from(planes, (v) => (v - mean) * scale));
}

/** A grayscale image (the red channel of a gray PNG) as [1, 1, h, w] with each pixel times `scale`. */
export function grayToNchw(img: RgbaImage, scale: number): Tensor {
  const values = new Float32Array(img.width * img.height);
  for (let i = 0; i < values.length; i++) values[i] = img.rgba[i * 4]! * scale;
  return Tensor.fromNumbers("float32", [1, 1, img.height, img.width], values);
}
