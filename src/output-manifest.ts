import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The manifest Egret writes into every output folder: which files it wrote (with a SHA-256 of
 * each, so an edited file no longer counts as Egret's) and what the folder's own Makefile builds
 * there (the names its `clean` target removes: runner, obj/...). A folder is Egret's to replace
 * when everything in it is listed, unchanged, or a build product; anything else is the user's.
 * The manifest depends only on the files, so output stays byte-identical run to run.
 */
export const MANIFEST = ".egret-manifest";
const HEADER = "egret output manifest 1";

export interface Manifest {
  /** File name -> hex SHA-256 of its content. */
  readonly files: ReadonlyMap<string, string>;
  /** Names the folder's Makefile may create (files or folders). */
  readonly buildProducts: ReadonlySet<string>;
}

export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

export function manifestFor(files: ReadonlyMap<string, string | Uint8Array>): string {
  const lines = [HEADER];
  for (const name of [...files.keys()].sort()) lines.push(`file ${name} ${sha256(files.get(name)!)}`);
  // A Makefile in a sub-folder (e.g. harness/Makefile) builds in that folder: its products carry the prefix.
  const products: string[] = [];
  for (const [name, content] of files) {
    const folder = name === "Makefile" ? "" : name.endsWith("/Makefile") ? name.slice(0, -"Makefile".length) : undefined;
    if (folder !== undefined && typeof content === "string") products.push(...cleanTargets(content).map((t) => folder + t));
  }
  for (const name of [...new Set(products)].sort()) lines.push(`build ${name}`);
  return `${lines.join("\n")}\n`;
}

/** The folder's manifest, or undefined when it has none (or not one Egret wrote). */
export function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l !== "");
  if (lines[0] !== HEADER) return undefined;
  const files = new Map<string, string>();
  const buildProducts = new Set<string>();
  for (const line of lines.slice(1)) {
    const [kind, name, hash] = line.split(" ");
    if (kind === "file" && name !== undefined && hash !== undefined) files.set(name, hash);
    else if (kind === "build" && name !== undefined) buildProducts.add(name);
    else return undefined;
  }
  return { files, buildProducts };
}

/**
 * Entries of `dir` that Egret did not write (each with the reason when it is an edited file of
 * Egret's): everything when the folder has no manifest. An empty folder has none.
 */
export function foreignEntries(dir: string): string[] {
  const entries = readdirSync(dir).sort();
  if (entries.length === 0) return [];
  const manifest = readManifest(dir);
  if (manifest === undefined) return entries;
  return entriesNotIn(dir, "", manifest);
}

/** Entries of `dir/prefix` that are not the manifest's; folders Egret wrote files into are checked entry by entry. */
function entriesNotIn(dir: string, prefix: string, manifest: Manifest): string[] {
  return readdirSync(join(dir, prefix)).sort().flatMap((entry) => {
    const name = prefix + entry;
    if (name === MANIFEST || manifest.buildProducts.has(name)) return [];
    const path = join(dir, name);
    const hash = manifest.files.get(name);
    if (hash === undefined) {
      const egretsFolder = [...manifest.files.keys()].some((f) => f.startsWith(`${name}/`));
      return egretsFolder && statSync(path).isDirectory() ? entriesNotIn(dir, `${name}/`, manifest) : [name];
    }
    return statSync(path).isFile() && sha256(readFileSync(path)) === hash ? [] : [`${name} (changed since Egret wrote it)`];
  });
}

/** Plain names the `clean:` recipe of a generated Makefile removes with `rm` (what `make` builds). */
function cleanTargets(makefile: string): string[] {
  const lines = makefile.split("\n");
  const start = lines.findIndex((l) => /^clean\s*:/.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("\t")) break;
    const words = line.trim().split(/\s+/);
    if (words[0] !== "rm") continue;
    out.push(...words.slice(1).filter((w) => !w.startsWith("-") && /^[A-Za-z0-9_.-]+$/.test(w)));
  }
  return [...new Set(out)].sort();
}
