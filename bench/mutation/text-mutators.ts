/**
 * Token-level mutations of protobuf text files (Caffe .prototxt): the parser sees well-formed
 * tokens in the wrong places, missing or extra braces, huge and negative numbers, unknown names.
 */
import type { Prng } from "./prng.js";
import type { Mutated } from "./mutators.js";

const TOKEN = /"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[A-Za-z_][A-Za-z0-9_.]*|-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\s+|[^]/g;
const HUGE_NUMBERS = ["2147483647", "2147483648", "4294967296", "99999999999999999999", "-1", "0", "-2147483648", "1e30", "1e400", "nan", "0.5"];
const PUNCTUATION = ["{", "}", ":", "[", "]", ",", "\"", "<", ">"];

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const isWord = (t: string): boolean => /^[A-Za-z_]/.test(t);
const isNumber = (t: string): boolean => /^-?\d/.test(t);
const isSignificant = (t: string): boolean => !/^\s/.test(t);

type TextMutator = (tokens: string[], rng: Prng, significant: number[]) => string;

function indexOf(rng: Prng, significant: number[], filter: (i: number) => boolean, tokens: string[]): number | undefined {
  const candidates = significant.filter((i) => filter(i) && tokens[i] !== undefined);
  return candidates.length === 0 ? undefined : rng.pick(candidates);
}

const MUTATORS: [string, TextMutator][] = [
  ["delete-token", (t, rng, s) => { const i = rng.pick(s); t.splice(i, 1); return `delete token ${i}`; }],
  ["duplicate-token", (t, rng, s) => { const i = rng.pick(s); t.splice(i, 0, t[i]!, " "); return `duplicate token ${i} (${t[i]})`; }],
  ["swap-tokens", (t, rng, s) => {
    const a = rng.below(s.length - 1);
    const [i, j] = [s[a]!, s[a + 1]!];
    [t[i], t[j]] = [t[j]!, t[i]!];
    return `swap tokens ${i} and ${j}`;
  }],
  ["huge-number", (t, rng, s) => {
    const i = indexOf(rng, s, (k) => isNumber(t[k]!), t) ?? rng.pick(s);
    const v = rng.pick(HUGE_NUMBERS);
    const was = t[i];
    t[i] = v;
    return `token ${i} ${was} := ${v}`;
  }],
  ["rename-word", (t, rng, s) => {
    const words = s.filter((k) => isWord(t[k]!));
    const i = rng.pick(words.length > 0 ? words : s);
    const was = t[i];
    t[i] = rng.below(2) === 0 ? t[rng.pick(words.length > 0 ? words : s)]! : "bogus_name";
    return `token ${i} ${was} := ${t[i]}`;
  }],
  ["punctuation", (t, rng, s) => {
    const i = rng.pick(s);
    const p = rng.pick(PUNCTUATION);
    t.splice(i, 0, p);
    return `insert "${p}" before token ${i}`;
  }],
  ["truncate", (t, rng, s) => { const i = rng.pick(s); t.length = i; return `truncate before token ${i}`; }],
  ["empty-string", (t, rng, s) => {
    const i = indexOf(rng, s, (k) => t[k]!.startsWith("\""), t) ?? rng.pick(s);
    const was = t[i];
    t[i] = "\"\"";
    return `token ${i} ${was} := ""`;
  }],
];

export class TokenMutator {
  private readonly tokens: string[];

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  mutate(rng: Prng): Mutated & { kind: string } {
    const tokens = [...this.tokens];
    const rounds = rng.below(4) === 0 ? 2 : 1;
    const what: string[] = [];
    let kind = "";
    for (let r = 0; r < rounds; r++) {
      const [k, fn] = rng.pick(MUTATORS);
      const significant = tokens.flatMap((t, i) => (isSignificant(t) ? [i] : []));
      if (significant.length < 2) break;
      what.push(fn(tokens, rng, significant));
      kind = kind === "" ? k : `${kind}+${k}`;
    }
    return { kind, bytes: new TextEncoder().encode(tokens.join("")), description: what.join("; ") };
  }
}
