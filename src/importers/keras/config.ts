import { fail } from "../../errors.js";

/**
 * The model_config JSON of a Keras .h5 file, normalised: Sequential models become the functional
 * form (each layer reads the previous one), so one converter loop serves both.
 */
export interface KerasRef {
  readonly layer: string;
  /** Which call of the layer (a shared layer is called several times). */
  readonly node: number;
  readonly tensor: number;
}

export interface KerasLayer {
  readonly className: string;
  readonly name: string;
  readonly config: LayerConfig;
  /** One entry per call of the layer: the tensors that call reads. */
  readonly calls: readonly (readonly KerasRef[])[];
}

export interface KerasInput {
  readonly name: string;
  readonly dims: readonly (number | undefined)[];
  readonly dtype: string;
}

export interface KerasModel {
  readonly name: string;
  readonly inputs: readonly KerasInput[];
  readonly layers: readonly KerasLayer[];
  readonly outputs: readonly KerasRef[];
}

export function refKey(r: KerasRef): string {
  return `${r.layer}:${r.node}:${r.tensor}`;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Typed reads of one layer's config, with errors naming the layer. */
export class LayerConfig {
  constructor(
    private readonly raw: { readonly [k: string]: Json },
    readonly label: string,
  ) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  private bad(key: string, want: string): never {
    return fail("bad-attribute", this.label, `config "${key}" must be ${want}, got ${JSON.stringify(this.raw[key])}`);
  }

  string(key: string, dflt?: string): string {
    const v = this.raw[key];
    if (v === undefined || v === null) return dflt ?? this.bad(key, "a string");
    return typeof v === "string" ? v : this.bad(key, "a string");
  }

  number(key: string, dflt?: number): number {
    const v = this.raw[key];
    if (v === undefined || v === null) return dflt ?? this.bad(key, "a number");
    return typeof v === "number" && Number.isFinite(v) ? v : this.bad(key, "a number");
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.raw[key];
    if (v === undefined || v === null) return dflt;
    return typeof v === "boolean" ? v : this.bad(key, "true or false");
  }

  /** An int or a list of `n` ints (Keras accepts `3` for `(3, 3)`). */
  ints(key: string, n: number, dflt?: readonly number[]): number[] {
    const v = this.raw[key];
    if (v === undefined || v === null) return dflt ? [...dflt] : this.bad(key, `${n} integers`);
    if (typeof v === "number" && Number.isInteger(v)) return new Array<number>(n).fill(v);
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isInteger(x))) return v as number[];
    return this.bad(key, `an integer or a list of ${n} integers`);
  }

  /** A list of ints, or of nulls for unknown sizes (shapes). */
  dims(key: string): (number | undefined)[] {
    const v = this.raw[key];
    if (!Array.isArray(v) || !v.every((x) => x === null || (typeof x === "number" && Number.isInteger(x)))) return this.bad(key, "a shape (a list of integers or nulls)");
    return v.map((x) => (x === null ? undefined : (x as number)));
  }

  /** The raw JSON value, for configs with several accepted shapes (ZeroPadding2D's padding). */
  json(key: string): Json | undefined {
    return this.raw[key];
  }
}

function parseJson(text: string, subject: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    return fail("parse", subject, `model_config is not valid JSON (${e instanceof Error ? e.message : String(e)}); the file is corrupt`);
  }
}

function refFrom(v: Json, subject: string): KerasRef {
  if (!Array.isArray(v) || typeof v[0] !== "string" || typeof v[1] !== "number" || typeof v[2] !== "number") {
    fail("parse", subject, `expected a [layer, node, tensor] reference, got ${JSON.stringify(v)?.slice(0, 80)}`);
  }
  return { layer: v[0], node: v[1], tensor: v[2] };
}

function layerFrom(v: Json, index: number, subject: string): { className: string; name: string; config: { [k: string]: Json }; raw: { [k: string]: Json } } {
  if (!isObject(v) || typeof v["class_name"] !== "string" || !isObject(v["config"])) fail("parse", subject, `layer ${index} is not {class_name, config}; the file is corrupt`);
  const config = v["config"];
  const name = typeof config["name"] === "string" ? config["name"] : typeof v["name"] === "string" ? v["name"] : `${v["class_name"]}_${index}`;
  return { className: v["class_name"], name, config, raw: v };
}

function inputFrom(name: string, config: LayerConfig): KerasInput {
  const key = config.has("batch_input_shape") ? "batch_input_shape" : "batch_shape";
  return { name, dims: config.dims(key), dtype: config.string("dtype", "float32") };
}

/** Parses model_config into a KerasModel; `subject` names the file in errors. */
export function parseModelConfig(text: string, subject: string): KerasModel {
  const root = parseJson(text, subject);
  if (!isObject(root) || typeof root["class_name"] !== "string") fail("parse", subject, "model_config has no class_name; the file is corrupt");
  const kind = root["class_name"];
  const config = root["config"];
  if (kind === "Sequential") return sequential(config ?? null, subject);
  if (kind === "Model" || kind === "Functional") return functional(config ?? null, subject);
  return fail("parse", subject, `model class "${kind}" is not supported (Sequential, Model or Functional); re-save the model as a standard Keras model`);
}

/** Sequential: `config` is the layer list (Keras <= 2.1) or {name, layers}. */
function sequential(config: Json, subject: string): KerasModel {
  const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config["layers"]) ? config["layers"] : undefined;
  if (!list || list.length === 0) fail("parse", subject, "the Sequential model has no layers");
  const modelName = isObject(config) && typeof config["name"] === "string" ? config["name"] : "sequential";
  const parsed = list.map((l, i) => layerFrom(l, i, subject));
  let inputs: KerasInput[];
  let body = parsed;
  if (parsed[0]!.className === "InputLayer") {
    inputs = [inputFrom(parsed[0]!.name, new LayerConfig(parsed[0]!.config, `layer "${parsed[0]!.name}" (InputLayer)`))];
    body = parsed.slice(1);
  } else {
    const first = parsed[0]!;
    const cfg = new LayerConfig(first.config, `layer "${first.name}" (${first.className})`);
    if (!cfg.has("batch_input_shape") && !cfg.has("batch_shape")) fail("parse", subject, `the first layer "${first.name}" has no batch_input_shape, so the model's input shape is unknown`);
    // Keras names the implicit input of a Sequential model "<first layer>_input".
    inputs = [inputFrom(`${first.name}_input`, cfg)];
  }
  let previous: KerasRef = { layer: inputs[0]!.name, node: 0, tensor: 0 };
  const layers = body.map((l) => {
    const layer: KerasLayer = { className: l.className, name: l.name, config: new LayerConfig(l.config, `layer "${l.name}" (${l.className})`), calls: [[previous]] };
    previous = { layer: l.name, node: 0, tensor: 0 };
    return layer;
  });
  return { name: modelName, inputs, layers, outputs: [previous] };
}

/** Functional models: layers with inbound_nodes, plus input_layers / output_layers. */
function functional(config: Json, subject: string): KerasModel {
  if (!isObject(config) || !Array.isArray(config["layers"])) fail("parse", subject, "the functional model has no layer list");
  const parsed = config["layers"].map((l, i) => layerFrom(l, i, subject));
  const inputs: KerasInput[] = [];
  const layers: KerasLayer[] = [];
  for (const l of parsed) {
    const label = `layer "${l.name}" (${l.className})`;
    const cfg = new LayerConfig(l.config, label);
    if (l.className === "InputLayer") {
      inputs.push(inputFrom(l.name, cfg));
      continue;
    }
    const inbound = l.raw["inbound_nodes"];
    if (!Array.isArray(inbound)) fail("parse", label, "has no inbound_nodes list; the file is corrupt");
    const calls = inbound.map((call) => {
      if (!Array.isArray(call)) fail("parse", label, "inbound_nodes uses a format Egret does not read (Keras 3 style); save the model with Keras 2 (tf.keras <= 2.15)");
      return call.map((r) => refFrom(r, label));
    });
    layers.push({ className: l.className, name: l.name, config: cfg, calls });
  }
  const refs = (key: string) => {
    const v = config[key];
    if (!Array.isArray(v)) fail("parse", subject, `the functional model has no ${key}`);
    // A single input/output may be stored as one [layer, node, tensor] triple.
    return typeof v[0] === "string" ? [refFrom(v, subject)] : v.map((r) => refFrom(r, subject));
  };
  const outputs = refs("output_layers");
  const inputRefs = refs("input_layers");
  const ordered = inputRefs.map((r) => inputs.find((i) => i.name === r.layer) ?? fail("parse", subject, `input layer "${r.layer}" is not an InputLayer of the model`));
  return { name: typeof config["name"] === "string" ? config["name"] : "model", inputs: ordered, layers, outputs };
}
