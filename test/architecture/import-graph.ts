/**
 * The import graph of the source tree (src/, costmodels/, backends/), read from the files' import
 * statements: the facts test/architecture/imports.test.ts checks (which folder may import which).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "..", "..");

/** One import: the importing file and the imported file, both repository-relative ("src/ir/graph.ts"). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** Every file under `dir` whose name matches `name` (repository-relative), sorted; default: TypeScript sources. */
export function sourceFiles(dir: string, name: RegExp = /(?<!\.d)\.ts$/): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(REPO, d), { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (name.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;

/** The relative imports of the files (package imports like "node:fs" or "commander" are left out). */
export function importEdges(files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = readFileSync(join(REPO, from), "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (!spec.startsWith(".")) continue;
      edges.push({ from, to: relative(REPO, join(REPO, dirname(from), spec)).replace(/\.js$/, ".ts") });
    }
  }
  return edges;
}

/**
 * The folder a file belongs to for the layering rules: `src/<dir>` (a file directly in src/ is its
 * own unit, e.g. `src/errors.ts`), `costmodels`, `backends/<target>` (`backends/registry.ts` alone).
 * The op families `src/ir/ops/` are a folder of their own: they sit above the C-writing kit
 * (`src/cgen/`), which sits above the IR's plain types (`src/ir/`).
 */
export function folderOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "costmodels") return "costmodels";
  if (parts.length === 2) return file;
  if (parts[0] === "src" && parts[1] === "ir" && parts[2] === "ops" && parts.length > 3) return "src/ir/ops";
  return `${parts[0]}/${parts[1]}`;
}

/** The cycles between folders: every strongly connected component of more than one folder (Tarjan). */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)!.add(b);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of [...graph.get(v)!].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}
