import { createHash } from "node:crypto";
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";

/**
 * Declares `static const <ctype> <prefix>_<hash>[] = { items }` in model.c and returns its name.
 * The name is derived from the content, so equal arrays are one array (a patch chain emits a layer
 * once per band, each time through another EmitCtx wrapper) and the output stays a pure function
 * of the model. `perLine` items a line.
 */
export function contentNamedArray(ctx: EmitCtx, prefix: string, ctype: string, items: readonly string[], perLine: number): string {
  const body = items.join(",");
  const name = `${prefix}_${createHash("sha256").update(`${ctype}:${body}`).digest("hex").slice(0, 16)}`;
  const rows: string[] = [];
  for (let i = 0; i < items.length; i += perLine) rows.push(items.slice(i, i + perLine).join(", "));
  ctx.define(name, `static const ${ctype} ${name}[${items.length}] = {\n  ${rows.join(",\n  ")}\n};`);
  return name;
}
