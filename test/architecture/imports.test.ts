import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderCycles, folderOf, importEdges, REPO, sourceFiles } from "./import-graph.js";

/**
 * The layering facts of docs/architecture.md, read from the import statements of the source tree:
 * the core never imports a backend (only the library entry reaches the registry), the e-graph
 * engine imports nothing of the compiler, folders import one way, and target names stay in their
 * plugin folders.
 */
const FILES = [...sourceFiles("src"), ...sourceFiles("costmodels"), ...sourceFiles("backends")];
const EDGES = importEdges(FILES);

describe("import facts over the source tree", () => {
  it("reads the whole tree (a broken reader would pass every check below vacuously)", () => {
    expect(FILES.length).toBeGreaterThan(300);
    expect(EDGES.length).toBeGreaterThan(1000);
    expect(EDGES).toContainEqual({ from: "src/index.ts", to: "backends/registry.ts" });
  });

  it("src/ imports nothing from backends/ except the library entry reaching backends/registry.ts", () => {
    const intoBackends = EDGES.filter((e) => e.from.startsWith("src/") && e.to.startsWith("backends/"));
    expect(intoBackends.filter((e) => !(e.from === "src/index.ts" && e.to === "backends/registry.ts"))).toEqual([]);
    expect(EDGES.filter((e) => e.from.startsWith("costmodels/") && e.to.startsWith("backends/"))).toEqual([]);
  });

  it("a backend imports no other backend (only the registry lists them)", () => {
    const crossing = EDGES.filter((e) => e.from.startsWith("backends/") && e.to.startsWith("backends/") && folderOf(e.from) !== folderOf(e.to) && e.from !== "backends/registry.ts");
    expect(crossing).toEqual([]);
  });

  it("src/egraph/ imports only itself and src/errors.ts", () => {
    const egraph = EDGES.filter((e) => e.from.startsWith("src/egraph/"));
    expect(egraph.length).toBeGreaterThan(10);
    expect(egraph.filter((e) => !e.to.startsWith("src/egraph/") && e.to !== "src/errors.ts")).toEqual([]);
  });

  it("no import cycle between folders", () => {
    expect(folderCycles(EDGES)).toEqual([]);
  });

  it("the cycle finder finds a cycle between folders when there is one", () => {
    expect(folderCycles([{ from: "src/ir/a.ts", to: "src/cgen/b.ts" }, { from: "src/cgen/b.ts", to: "src/ir/c.ts" }])).toEqual([["src/cgen", "src/ir"]]);
  });

  it("target names (k210, kpu, cortex) appear only in their backend folder, rule files, runtime units and the registry", () => {
    const own: Record<string, RegExp> = { k210: /^backends\/k210\//, kpu: /^backends\/k210\//, cortex: /^backends\/cortex-m\// };
    const files = [...FILES, ...textFiles()];
    const misplaced: string[] = [];
    for (const file of files) {
      if (file === "backends/registry.ts" || file.startsWith("rules/targets/") || file.startsWith("runtime-c/kpu/") || /^runtime-c\/kernels\/q\w*dsp\w*\.[ch]$/.test(file)) continue;
      const text = readFileSync(join(REPO, file), "utf8").toLowerCase();
      for (const [word, home] of Object.entries(own)) if (text.includes(word) && !home.test(file)) misplaced.push(`${file}: ${word}`);
    }
    expect(misplaced).toEqual([]);
  });
});

/** The shipped rule files, C runtime units and the command's launcher (not in the import graph, but in the word check). */
function textFiles(): string[] {
  return [...sourceFiles("rules", /\.rules$/), ...sourceFiles("runtime-c", /\.[ch]$/), ...sourceFiles("bin", /\.js$/)];
}
