import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EgretError, Tensor } from "../../src/index.js";
import { readNpy, writeNpy } from "../../src/io/npy.js";

const dir = mkdtempSync(join(tmpdir(), "egret-npy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A version 1.0 .npy file laid out exactly as numpy.save writes it (header padded to 64 bytes). */
function numpyFile(descr: string, shape: string, data: Uint8Array, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shape}, }`;
  header += " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

function writeFile(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function npyError(path: string): EgretError {
  try {
    readNpy(path);
  } catch (e) {
    if (e instanceof EgretError) return e;
    throw e;
  }
  throw new Error("expected an EgretError");
}

describe(".npy files", () => {
  const cases: Tensor[] = [
    Tensor.fromNumbers("float32", [2, 3], [1.5, -2, 0, 3.25, 1e-30, -7]),
    Tensor.fromNumbers("float64", [2], [Math.PI, -1e300]),
    Tensor.fromNumbers("float16", [2], [0.5, -2]),
    Tensor.fromNumbers("int8", [3], [-128, 0, 127]),
    Tensor.fromNumbers("uint8", [2, 1], [0, 255]),
    Tensor.fromNumbers("int16", [2], [-32768, 32767]),
    Tensor.fromNumbers("uint16", [2], [0, 65535]),
    Tensor.fromNumbers("int32", [2], [-2147483648, 2147483647]),
    Tensor.fromNumbers("uint32", [2], [0, 4294967295]),
    new Tensor("int64", [2], BigInt64Array.from([-(2n ** 63n), 2n ** 62n + 1n])),
    new Tensor("uint64", [1], BigUint64Array.from([2n ** 64n - 1n])),
    Tensor.fromNumbers("bool", [2, 2], [1, 0, 0, 1]),
    Tensor.scalar("float32", 42),
    new Tensor("float32", [0, 4]),
  ];

  it.each(cases.map((t, i) => [`${t.dtype}[${t.shape.join(",")}]`, i] as const))("round-trips %s", (_label, i) => {
    const t = cases[i]!;
    const p = join(dir, `case${i}.npy`);
    writeNpy(p, t);
    const back = readNpy(p);
    expect([back.dtype, back.shape]).toEqual([t.dtype, t.shape]);
    expect(Array.from(back.bytes())).toEqual(Array.from(t.bytes()));
  });

  it("reads the layout numpy.save writes", () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const p = writeFile("numpy.npy", numpyFile("<f4", "(2, 3)", new Uint8Array(values.buffer)));
    const t = readNpy(p);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    const b = readNpy(writeFile("bool.npy", numpyFile("|b1", "(3,)", Uint8Array.from([1, 0, 1]))));
    expect([b.dtype, b.toArray()]).toEqual(["bool", [1, 0, 1]]);
  });

  it("writes a v1.0 header numpy parses (C order, data 8-byte aligned)", () => {
    const p = join(dir, "header.npy");
    writeNpy(p, Tensor.fromNumbers("int16", [3], [1, 2, 3]));
    const bytes = readFileSync(p);
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLen) % 8).toBe(0);
    expect(bytes.subarray(10, 10 + headerLen).toString("latin1")).toMatch(/^\{'descr':\s*'<i2',\s*'fortran_order':\s*False,\s*'shape':\s*\(3,\)\}\s*\n$/);
  });

  it("rejects bad files with clear errors", () => {
    expect(npyError(join(dir, "does-not-exist.npy")).code).toBe("io");
    const garbage = npyError(writeFile("garbage.npy", new TextEncoder().encode("not a numpy file at all")));
    expect(garbage.code).toBe("parse");
    expect(garbage.message).toContain("garbage.npy");
    const short = npyError(writeFile("short.npy", numpyFile("<f4", "(2, 3)", new Uint8Array(16))));
    expect(short.message).toContain("holds 16 data bytes, float32[2,3] needs 24");
    expect(npyError(writeFile("complex.npy", numpyFile("<c8", "(1,)", new Uint8Array(8)))).code).toBe("unsupported-dtype");
    expect(npyError(writeFile("bigendian.npy", numpyFile(">f4", "(1,)", new Uint8Array(4)))).code).toBe("parse");
    expect(npyError(writeFile("fortran.npy", numpyFile("<f4", "(1, 1)", new Uint8Array(4), true))).message).toContain("Fortran order");
  });
});
