import { fail } from "../errors.js";
import { DUMP_KINDS, type DumpKind } from "../pipeline/options.js";

/**
 * `--dump KIND DIR` values (commander collects them as one list; the option may repeat): pairs of
 * a kind (`egraph`, `ir`, or both comma-separated, or `all`) and the directory to write to.
 */
export function parseDumpOption(values: readonly string[]): Array<{ kinds: DumpKind[]; dir: string }> {
  if (values.length % 2 !== 0) fail("bad-option", "option --dump", `expects KIND DIR pairs (e.g. --dump egraph dumps/), got "${values.join(" ")}"; put --dump after the model argument`);
  const pairs: Array<{ kinds: DumpKind[]; dir: string }> = [];
  for (let i = 0; i < values.length; i += 2) {
    const words = values[i]! === "all" ? [...DUMP_KINDS] : values[i]!.split(",");
    const kinds = words.map((word) => {
      const kind = DUMP_KINDS.find((k) => k === word);
      if (kind === undefined) fail("bad-option", "option --dump", `unknown dump "${word}"; choose egraph, ir, or all`);
      return kind;
    });
    pairs.push({ kinds, dir: values[i + 1]! });
  }
  return pairs;
}
