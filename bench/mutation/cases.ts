/**
 * The campaign's cases: which base each case mutates, how, and the CLI commands that run it. A
 * case is identified by `format#index`; with the campaign seed that id regenerates the same
 * mutated file byte for byte (replay).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { parseKmodel } from "../../src/importers/kmodel/index.js";
import { writeNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { expandArgs, LAYOUT, SHARED_MODELS_DIR, type Base, type Format } from "./bases.js";
import { BinaryMutator } from "./mutators.js";
import { hashSeed, Prng } from "./prng.js";
import { TokenMutator } from "./text-mutators.js";

export interface CaseId {
  readonly format: Format;
  readonly index: number;
}

export interface MaterializedCase {
  readonly id: string;
  readonly base: Base;
  readonly kind: string;
  readonly description: string;
  /** The first command; the follow-up runs only when the first one succeeds. */
  readonly info: string[];
  readonly followUp?: string[];
}

export const caseName = (c: CaseId): string => `${c.format}#${c.index}`;

export function parseCaseName(text: string, formats: readonly Format[]): CaseId | undefined {
  const m = /^([a-z]+)#(\d+)$/.exec(text);
  const format = formats.find((f) => f === m?.[1]);
  return format === undefined ? undefined : { format, index: Number(m![2]) };
}

/** Prepared mutators and kmodel inputs, one per base file, built on first use. */
export class CaseFactory {
  private readonly mutators = new Map<string, BinaryMutator | TokenMutator>();
  private readonly kmodelInputs = new Map<string, string[] | null>();

  constructor(private readonly seed: number, private readonly bases: readonly Base[], private readonly workDir: string, private readonly root = SHARED_MODELS_DIR) {}

  private mutator(base: Base): BinaryMutator | TokenMutator {
    let m = this.mutators.get(base.file);
    if (m === undefined) {
      const bytes = new Uint8Array(readFileSync(join(this.root, base.file)));
      const layout = LAYOUT[base.format];
      m = layout === "text" ? new TokenMutator(new TextDecoder().decode(bytes)) : new BinaryMutator(bytes, layout);
      this.mutators.set(base.file, m);
    }
    return m;
  }

  /**
   * .npy inputs of the right dtype and size for a kmodel v4, from the unmutated file (v3 files
   * cannot be run: null). Values are a fixed ramp so runs are deterministic.
   */
  private inputsFor(base: Base): string[] | null {
    const cached = this.kmodelInputs.get(base.file);
    if (cached !== undefined) return cached;
    const model = parseKmodel(new Uint8Array(readFileSync(join(this.root, base.file))), base.file);
    let paths: string[] | null = null;
    if (model.version === 4) {
      paths = model.inputs.map((r, i) => {
        const shape = model.inputShapes[i]!;
        const count = shape.reduce((a, b) => a * b, 1);
        const t = r.datatype === "float32"
          ? Tensor.fromNumbers("float32", shape, Array.from({ length: count }, (_, k) => (k % 17) / 4))
          : Tensor.fromNumbers("uint8", shape, Array.from({ length: count }, (_, k) => (k * 7) % 256));
        const path = join(this.workDir, `${basename(base.file, ".kmodel")}-input${i}.npy`);
        writeNpy(path, t);
        return path;
      });
    }
    this.kmodelInputs.set(base.file, paths);
    return paths;
  }

  /** Picks the base by weight, mutates it, writes the file and returns the commands to run. */
  materialize(c: CaseId, caseDir: string): MaterializedCase {
    const id = caseName(c);
    const rng = new Prng(hashSeed(`${this.seed}:${id}`));
    const ofFormat = this.bases.filter((b) => b.format === c.format);
    let ticket = rng.below(ofFormat.reduce((s, b) => s + b.weight, 0));
    const base = ofFormat.find((b) => (ticket -= b.weight) < 0)!;
    const mutated = this.mutator(base).mutate(rng);
    // The mutated file keeps its base's extension: format detection may use it to break ties.
    const file = join(caseDir, `${c.format}-${c.index}${extname(base.file)}`);
    writeFileSync(file, mutated.bytes);
    const args = expandArgs(base.args, this.root);
    const model = base.caffemodel === undefined ? file : join(this.root, base.caffemodel);
    const extra = base.caffemodel === undefined ? args : [...args, "--prototxt", file];
    const info = ["info", model, ...extra];
    let followUp: string[] | undefined;
    if (c.format === "kmodel") {
      const inputs = this.inputsFor(base);
      if (inputs !== null) followUp = ["run", model, ...inputs.flatMap((p) => ["--input", p]), "--output-dir", join(caseDir, `${id.replace("#", "-")}-out`)];
    } else {
      followUp = ["compile", model, ...extra, "-o", join(caseDir, `${id.replace("#", "-")}-out`)];
    }
    return { id, base, kind: mutated.kind, description: mutated.description, info, ...(followUp === undefined ? {} : { followUp }) };
  }
}
