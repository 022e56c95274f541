import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** bmp-js has no type declarations: the one call used here, typed by hand. */
interface BmpJs {
  decode(data: Buffer): { width: number; height: number; data: Buffer };
}
const bmp = createRequire(import.meta.url)("bmp-js") as BmpJs;

/**
 * Reads a grayscale .bmp as row-major [height, width] intensities 0..255. bmp-js expands every
 * pixel to 4 bytes (A, B, G, R); a gray palette has B = G = R, so the red byte is the intensity.
 */
export function readGrayBmp(path: string): { width: number; height: number; pixels: Uint8Array } {
  const image = bmp.decode(readFileSync(path));
  const pixels = new Uint8Array(image.width * image.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = image.data[4 * i + 3]!;
  return { width: image.width, height: image.height, pixels };
}
