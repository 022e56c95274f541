import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { loadSamples, type CalibInput } from "../../src/calib/data.js";
import { writeNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { errorOf } from "../support/errors.js";
import { sharedOrSkip } from "../support/shared-skip.js";

const dir = mkdtempSync(join(tmpdir(), "egret-calib-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const X: CalibInput = { name: "x", dtype: "float32", shape: [1, 2, 3] };
const iota = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
const values = (t: Tensor | undefined): number[] => Array.from(t!.toNumbers());

/** numpy writes the .npz archives (an independent zip writer, stored and deflated). */
function python(code: string): void {
  execFileSync("/usr/bin/python3", ["-c", `import numpy as np\n${code}`], { cwd: dir });
}

function png(path: string, width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): void {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b] = rgb(x, y);
    img.data.set([r, g, b, 255], (y * width + x) * 4);
  }
  writeFileSync(path, PNG.sync.write(img));
}

describe(".npy", () => {
  it("reads one sample in the input's shape or without its batch axis", () => {
    writeNpy(join(dir, "one.npy"), Tensor.fromNumbers("float32", [2, 3], iota(6)));
    const { tensors, sources } = loadSamples(join(dir, "one.npy"), [X]);
    expect(tensors).toHaveLength(1);
    expect(tensors[0]![0]!.shape).toEqual([1, 2, 3]);
    expect(values(tensors[0]![0])).toEqual(iota(6));
    expect(sources).toEqual([`${join(dir, "one.npy")}[0]`]);
  });

  it("splits a leading batch axis and honours samples", () => {
    writeNpy(join(dir, "batch.npy"), Tensor.fromNumbers("float32", [4, 2, 3], iota(24)));
    const all = loadSamples(join(dir, "batch.npy"), [X]);
    expect(all.tensors.map((s) => values(s[0])[0])).toEqual([0, 6, 12, 18]);
    const two = loadSamples(join(dir, "batch.npy"), [X], { samples: 2 });
    expect(two.tensors).toHaveLength(2);
    expect(values(two.tensors[1]![0])).toEqual(iota(6, 6));
  });

  it("converts float64 for a float32 input and refuses other dtypes", () => {
    writeNpy(join(dir, "f64.npy"), Tensor.fromNumbers("float64", [1, 2, 3], iota(6, 0.5)));
    expect(loadSamples(join(dir, "f64.npy"), [X]).tensors[0]![0]!.dtype).toBe("float32");
    writeNpy(join(dir, "i32.npy"), Tensor.fromNumbers("int32", [1, 2, 3], iota(6)));
    const e = errorOf(() => loadSamples(join(dir, "i32.npy"), [X]));
    expect(e.code).toBe("unsupported-dtype");
    expect(e.message).toContain("i32.npy");
    expect(e.message).toContain("astype");
  });

  it("names the file and the expected shapes on a wrong shape", () => {
    writeNpy(join(dir, "bad.npy"), Tensor.fromNumbers("float32", [3, 2], iota(6)));
    const e = errorOf(() => loadSamples(join(dir, "bad.npy"), [X]));
    expect(e.code).toBe("bad-shape");
    expect(e.message).toMatch(/bad\.npy.*\[3,2\].*float32\[1,2,3\].*\[N,2,3\]/);
  });
});

describe(".npz", () => {
  const A: CalibInput = { name: "a", dtype: "float32", shape: [1, 2] };
  const B: CalibInput = { name: "b", dtype: "int8", shape: [3] };

  it("maps arrays by input name (deflated) and positionally (stored)", () => {
    python([
      "np.savez_compressed('named.npz', b=np.arange(6, dtype=np.int8).reshape(2, 3) - 3, a=np.array([[1, 2], [3, 4]], np.float32))",
      "np.savez('positional.npz', np.array([[1, 2], [3, 4]], np.float32), np.arange(6, dtype=np.int8).reshape(2, 3) - 3)",
    ].join("\n"));
    for (const file of ["named.npz", "positional.npz"]) {
      const { tensors } = loadSamples(join(dir, file), [A, B]);
      expect(tensors).toHaveLength(2);
      expect(values(tensors[1]![0])).toEqual([3, 4]);
      expect(values(tensors[1]![1])).toEqual([0, 1, 2]);
      expect(tensors[0]![1]!.dtype).toBe("int8");
    }
  });

  it("reports a missing input array", () => {
    python("np.savez('other.npz', c=np.zeros((1, 2), np.float32))");
    const e = errorOf(() => loadSamples(join(dir, "other.npz"), [A, B]));
    expect(e.code).toBe("missing-tensor");
    expect(e.message).toMatch(/other\.npz.*"a".*"c"/);
  });

  it("rejects a corrupt archive", () => {
    writeFileSync(join(dir, "corrupt.npz"), "PK not really a zip");
    expect(errorOf(() => loadSamples(join(dir, "corrupt.npz"), [A, B])).message).toContain("corrupt.npz");
  });
});

describe("raw binaries", () => {
  it("reads exactly one little-endian sample", () => {
    const t = Tensor.fromNumbers("float32", [1, 2, 3], [1.5, -2, 3, 4, 5, 6]);
    writeFileSync(join(dir, "s.bin"), t.bytes());
    expect(values(loadSamples(join(dir, "s.bin"), [X]).tensors[0]![0])).toEqual([1.5, -2, 3, 4, 5, 6]);
    writeFileSync(join(dir, "short.raw"), t.bytes().subarray(0, 20));
    const e = errorOf(() => loadSamples(join(dir, "short.raw"), [X]));
    expect(e.message).toMatch(/short\.raw.*20 bytes.*24/);
  });
});

describe("images", () => {
  it("scales PNG pixels with mean/std into NCHW and NHWC", () => {
    // 2x1 image: red then blue.
    png(join(dir, "rb.png"), 2, 1, (x) => (x === 0 ? [255, 0, 0] : [0, 0, 255]));
    const nchw: CalibInput = { name: "img", dtype: "float32", shape: [1, 3, 1, 2] };
    const a = loadSamples(join(dir, "rb.png"), [nchw], { mean: [0.5], std: [0.5] });
    expect(values(a.tensors[0]![0])).toEqual([1, -1, -1, -1, -1, 1]);
    const nhwc: CalibInput = { name: "img", dtype: "float32", shape: [1, 1, 2, 3] };
    const b = loadSamples(join(dir, "rb.png"), [nhwc]);
    expect(values(b.tensors[0]![0])).toEqual([1, 0, 0, 0, 0, 1]);
    const u8: CalibInput = { name: "img", dtype: "uint8", shape: [1, 1, 2, 3] };
    expect(values(loadSamples(join(dir, "rb.png"), [u8]).tensors[0]![0])).toEqual([255, 0, 0, 0, 0, 255]);
    const i8: CalibInput = { name: "img", dtype: "int8", shape: [1, 1, 2, 3] };
    expect(values(loadSamples(join(dir, "rb.png"), [i8]).tensors[0]![0])).toEqual([127, -128, -128, -128, -128, 127]);
  });

  it("converts RGB to grayscale (BT.601 luma) and resizes bilinearly with half-pixel centres", () => {
    // 4x1 ramp 0, 60, 120, 180 (gray) to width 2: samples at source x = 0.5 and 2.5.
    png(join(dir, "ramp.png"), 4, 1, (x) => [60 * x, 60 * x, 60 * x]);
    const gray: CalibInput = { name: "g", dtype: "float32", shape: [1, 1, 1, 2] };
    const out = values(loadSamples(join(dir, "ramp.png"), [gray]).tensors[0]![0]);
    expect(out[0]).toBeCloseTo(30 / 255, 6);
    expect(out[1]).toBeCloseTo(150 / 255, 6);
    png(join(dir, "green.png"), 1, 1, () => [0, 200, 0]);
    const g1: CalibInput = { name: "g", dtype: "float32", shape: [1, 1] };
    expect(values(loadSamples(join(dir, "green.png"), [g1]).tensors[0]![0])[0]).toBeCloseTo((0.587 * 200) / 255, 6);
  });

  it("resizes then centre-crops with resize", () => {
    png(join(dir, "grid.png"), 4, 4, (x, y) => [10 * (y * 4 + x), 0, 0]);
    const crop: CalibInput = { name: "c", dtype: "uint8", shape: [1, 2, 2, 3] };
    // resize 4x4 -> 4x4 is the identity; the centre 2x2 window is pixels 5, 6, 9, 10.
    const t = values(loadSamples(join(dir, "grid.png"), [crop], { resize: [4, 4] }).tensors[0]![0]);
    expect([t[0], t[3], t[6], t[9]]).toEqual([50, 60, 90, 100]);
  });

  it("decodes a JPEG close to its encoded colour", () => {
    const w = 8, h = 8;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([200, 100, 50, 255], i * 4);
    writeFileSync(join(dir, "flat.jpg"), jpeg.encode({ width: w, height: h, data }, 95).data);
    const rgb: CalibInput = { name: "c", dtype: "uint8", shape: [1, 8, 8, 3] };
    const t = values(loadSamples(join(dir, "flat.jpg"), [rgb]).tensors[0]![0]);
    expect(Math.abs(t[0]! - 200)).toBeLessThanOrEqual(3);
    expect(Math.abs(t[1]! - 100)).toBeLessThanOrEqual(3);
    expect(Math.abs(t[2]! - 50)).toBeLessThanOrEqual(3);
  });

  it("reports an unreadable image by name", () => {
    writeFileSync(join(dir, "broken.jpg"), new Uint8Array([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]));
    const e = errorOf(() => loadSamples(join(dir, "broken.jpg"), [{ name: "c", dtype: "float32", shape: [1, 3, 4, 4] }]));
    expect(e.code).toBe("parse");
    expect(e.message).toMatch(/broken\.jpg.*not a readable JPEG/);
    writeFileSync(join(dir, "broken.png"), "not a png");
    expect(errorOf(() => loadSamples(join(dir, "broken.png"), [{ name: "c", dtype: "float32", shape: [1, 3, 4, 4] }])).message).toMatch(/broken\.png.*PNG/);
  });

  it("loads a real face photograph from the corpus", (ctx) => {
    const shared = sharedOrSkip(ctx, "calibration image decode of models/datasets/faces");
    const faces = join(shared, "models", "datasets", "faces");
    const input: CalibInput = { name: "img", dtype: "float32", shape: [1, 3, 32, 32] };
    const { tensors, sources } = loadSamples(faces, [input], { samples: 2, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    const first = [...readdirSync(faces)].sort()[0]!;
    expect(sources[0]).toBe(join(faces, first));
    expect(tensors).toHaveLength(2);
    const v = values(tensors[0]![0]);
    expect(v).toHaveLength(3 * 32 * 32);
    // (x/255 - 0.5)/0.25 lies in [-2, 2], and a photograph is not flat.
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThanOrEqual(2);
    expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(1);
  });
});

describe("folders and paths", () => {
  it("reads a folder in sorted order, ignoring other files", () => {
    const sub = join(dir, "folder");
    mkdirSync(sub);
    for (const [name, v] of [["b.npy", 2], ["a.npy", 1], ["c.npy", 3]] as const) writeNpy(join(sub, name), Tensor.fromNumbers("float32", [1, 2, 3], new Array(6).fill(v)));
    writeFileSync(join(sub, "README.txt"), "labels");
    const { tensors, sources } = loadSamples(sub, [X], { samples: 2 });
    expect(tensors.map((s) => values(s[0])[0])).toEqual([1, 2]);
    expect(sources).toEqual([`${join(sub, "a.npy")}[0]`, `${join(sub, "b.npy")}[0]`]);
  });

  it("reports an unknown file type and a bad --resize", () => {
    writeFileSync(join(dir, "table.csv"), "1,2,3");
    expect(errorOf(() => loadSamples(join(dir, "table.csv"), [X])).message).toMatch(/table\.csv.*unknown extension ".csv"/);
    png(join(dir, "one.png"), 2, 2, () => [1, 2, 3]);
    const e = errorOf(() => loadSamples(join(dir, "one.png"), [{ name: "c", dtype: "float32", shape: [1, 3, 2, 2] }], { resize: [0, 2] }));
    expect(e.code).toBe("bad-option");
    expect(e.message).toContain("--resize");
  });

  it("reports an empty folder and a missing path", () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, "notes.txt"), "");
    const e = errorOf(() => loadSamples(empty, [X]));
    expect(e.message).toMatch(/empty.*is empty/);
    const m = errorOf(() => loadSamples(join(dir, "nope"), [X]));
    expect(m.code).toBe("io");
    expect(m.message).toMatch(/nope.*ENOENT/);
  });
});
