import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OP_TABLE_BEGIN, OP_TABLE_END, opTableMarkdown } from "../../src/cli/op-table.js";
import { toolchain } from "../../src/index.js";

describe("README op table", () => {
  it("lists exactly the registered ops (regenerate with `egret ops --markdown`)", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const start = readme.indexOf(OP_TABLE_BEGIN);
    const end = readme.indexOf(OP_TABLE_END);
    expect(start, "README.md has no op table markers").toBeGreaterThanOrEqual(0);
    expect(readme.slice(start, end + OP_TABLE_END.length)).toBe(opTableMarkdown(toolchain));
  });
});
