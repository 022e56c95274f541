import { fail } from "../errors.js";
import type { Tensor } from "../ir/tensor.js";
import { LIMITS } from "../limits.js";

/** Parses repeated `--input-shape name=1x3x32x32` options into a map. */
export function parseInputShapes(specs: readonly string[]): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const spec of specs) {
    const eq = spec.lastIndexOf("=");
    const name = spec.slice(0, eq);
    const dims = spec.slice(eq + 1);
    if (eq <= 0 || !/^\d+(x\d+)*$/.test(dims)) {
      fail("bad-option", "option --input-shape", `"${spec}" is not NAME=DIMS with DIMS like 1x3x32x32`);
    }
    if (shapes.has(name)) fail("bad-option", "option --input-shape", `input "${name}" is given twice`);
    const texts = dims.split("x");
    const sizes = texts.map(Number);
    // Each size must fit the generated C's int32_t counts; the graph build checks their product
    // and the byte size against the budget, naming the input.
    const big = sizes.findIndex((d) => d > LIMITS.cIndexMax);
    if (big >= 0) fail("bad-option", "option --input-shape", `"${spec}": dimension ${big} (${texts[big]}) is more than ${LIMITS.cIndexMax}, the largest the generated C's int32_t sizes hold`);
    shapes.set(name, sizes);
  }
  return shapes;
}

/** Parses repeated `--const-input name=value.npy` options, reading each file with `read`. */
export function parseConstInputs(specs: readonly string[], read: (path: string) => Tensor): Map<string, Tensor> {
  const values = new Map<string, Tensor>();
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1) fail("bad-option", "option --const-input", `"${spec}" is not NAME=FILE.npy`);
    const name = spec.slice(0, eq);
    if (values.has(name)) fail("bad-option", "option --const-input", `input "${name}" is given twice`);
    values.set(name, read(spec.slice(eq + 1)));
  }
  return values;
}
