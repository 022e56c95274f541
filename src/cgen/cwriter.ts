/** A tiny structured writer for C source: lines, indentation, and blocks. */
export class CWriter {
  private readonly out: string[] = [];
  private depth = 0;

  line(text = ""): this {
    this.out.push(text === "" ? "" : "  ".repeat(this.depth) + text);
    return this;
  }

  /** Writes `head {`, the body one level deeper, then `}` + `tail`. */
  block(head: string, body: () => void, tail = ""): this {
    this.line(`${head} {`);
    this.depth++;
    body();
    this.depth--;
    this.line(`}${tail}`);
    return this;
  }

  raw(text: string): this {
    for (const l of text.replace(/\n$/, "").split("\n")) this.line(l);
    return this;
  }

  toString(): string {
    return this.out.join("\n") + "\n";
  }
}

/** A C identifier from an arbitrary tensor or node name. */
export function cIdent(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_");
  return /^[A-Za-z_]/.test(s) ? s : `t_${s}`;
}

/** A one-line C comment holding arbitrary text (model names may contain comment delimiters). */
export function cComment(text: string): string {
  return `/* ${text.replace(/\*\//g, "*_/").replace(/\/\*/g, "/_*").replace(/[\r\n]+/g, " ")} */`;
}
