import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/limits.js";

describe("docs/limits.md", () => {
  it("lists every limit of src/limits.ts with its exact value, and no other", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "limits.md"), "utf8");
    const rows = new Map([...doc.matchAll(/^\| `(\w+)` \| (\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect(Object.fromEntries(rows)).toEqual({ ...LIMITS });
  });

  it("keeps one tensor within what the generated C's int32_t byte counts hold", () => {
    expect(LIMITS.tensorBytes).toBeLessThanOrEqual(LIMITS.cIndexMax);
    expect(LIMITS.foldBytes).toBeLessThanOrEqual(LIMITS.tensorBytes);
  });
});
