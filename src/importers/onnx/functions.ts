import { fail } from "../../errors.js";
import { int64ToNumber, type AttributeMsg, type FunctionMsg, type ModelMsg, type NodeMsg, type OperatorSetIdMsg } from "./messages.js";
import { isDefaultDomain } from "./nodes.js";

/**
 * Inlining of model-local functions (ModelProto.functions, IR 8+; PyTorch 2's exporter writes
 * one per module). A node whose (domain, op_type, overload) names a local function is replaced
 * by the function's body:
 *  - formal inputs and outputs become the call's actual tensors ("" stays absent); every other
 *    tensor of the body gets a fresh name derived from the call's node name;
 *  - a body attribute with `ref_attr_name` takes the caller's attribute of that name, else the
 *    function's default (attribute_proto), else it is left out, as the ONNX spec says;
 *  - calls inside a body are inlined too (a function that calls itself is an error).
 * The body's default-domain opset must be the model's: Egret canonicalises one opset per model.
 */

/** Functions nest at most this deep (a guard against cycles through different functions). */
const MAX_DEPTH = 64;

const functionKey = (domain: string | undefined, name: string, overload: string | undefined): string => `${domain ?? ""}\u0000${name}\u0000${overload ?? ""}`;

/** The model's nodes with every call of a local function replaced by the function's body. */
export function inlineFunctions(model: ModelMsg, nodes: readonly NodeMsg[], modelOpset: number, subject: string, usedNames: Set<string>): NodeMsg[] {
  if (model.functions.length === 0) return [...nodes];
  const table = new Map<string, FunctionMsg>();
  for (const f of model.functions) {
    const name = f.name || fail("parse", subject, "declares a local function without a name; the model file is corrupt");
    checkOpset(f, modelOpset, subject);
    table.set(functionKey(f.domain, name, f.overload), f);
  }
  const inliner = new Inliner(table, usedNames, subject);
  return nodes.flatMap((n, i) => inliner.expand(n, n.name || `${n.op_type ?? "call"}_${i}`, []));
}

function checkOpset(f: FunctionMsg, modelOpset: number, subject: string): void {
  const own = f.opset_import.find((o: OperatorSetIdMsg) => isDefaultDomain(o.domain));
  const version = own?.version === undefined ? undefined : int64ToNumber(own.version);
  if (version !== undefined && version !== modelOpset) {
    fail("unsupported-op", `local function "${f.name}" of ${subject}`, `imports the default opset ${version} while the model uses ${modelOpset}; Egret compiles one opset per model: re-export with a single opset version`);
  }
}

class Inliner {
  constructor(
    private readonly table: ReadonlyMap<string, FunctionMsg>,
    private readonly used: Set<string>,
    private readonly subject: string,
  ) {}

  /** `node` itself, or its function's body (recursively inlined) when it calls a local function. */
  expand(node: NodeMsg, callName: string, stack: readonly string[]): NodeMsg[] {
    const f = this.table.get(functionKey(node.domain, node.op_type ?? "", node.overload));
    if (!f) return [node];
    const label = `call "${callName}" of local function "${f.name}"`;
    if (stack.includes(f.name!) || stack.length >= MAX_DEPTH) {
      fail("unsupported-op", `${label} in ${this.subject}`, `is recursive (${[...stack, f.name].join(" -> ")}); ONNX functions cannot call themselves`);
    }
    if (node.input.length > f.input.length || node.output.length > f.output.length) {
      fail("parse", `${label} in ${this.subject}`, `passes ${node.input.length} inputs and ${node.output.length} outputs; the function declares ${f.input.length} and ${f.output.length}`);
    }
    const rename = new Map<string, string>();
    f.input.forEach((formal, i) => rename.set(formal, node.input[i] ?? ""));
    f.output.forEach((formal, i) => rename.set(formal, node.output[i] ?? ""));
    const tensor = (name: string): string => {
      if (name === "") return "";
      let mapped = rename.get(name);
      if (mapped === undefined) {
        mapped = this.fresh(`${callName}/${name}`);
        rename.set(name, mapped);
      }
      return mapped;
    };
    const attrs = this.callAttributes(node, f);
    return f.node.flatMap((body, k) => {
      const inner: NodeMsg = {
        ...body,
        name: `${callName}/${body.name || `${body.op_type ?? "node"}_${k}`}`,
        input: body.input.map(tensor),
        output: body.output.map(tensor),
        attribute: body.attribute.flatMap((a) => resolveAttribute(a, attrs)),
      };
      return this.expand(inner, inner.name!, [...stack, f.name!]);
    });
  }

  /** The attribute values visible inside one call: the function's defaults overridden by the call's. */
  private callAttributes(node: NodeMsg, f: FunctionMsg): Map<string, AttributeMsg> {
    const known = new Set([...f.attribute, ...f.attribute_proto.map((a) => a.name ?? "")]);
    const values = new Map<string, AttributeMsg>(f.attribute_proto.map((a) => [a.name ?? "", a]));
    for (const a of node.attribute) {
      if (!known.has(a.name ?? "")) {
        fail("bad-attribute", `call "${node.name ?? node.op_type}" of local function "${f.name}" in ${this.subject}`, `sets attribute "${a.name}", which the function does not declare (it declares: ${[...known].join(", ") || "none"})`);
      }
      values.set(a.name ?? "", a);
    }
    return values;
  }

  private fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

/** A body attribute with its reference resolved: the referenced value under the body's name, or nothing. */
function resolveAttribute(a: AttributeMsg, values: ReadonlyMap<string, AttributeMsg>): AttributeMsg[] {
  if (!a.ref_attr_name) return [a];
  const value = values.get(a.ref_attr_name);
  if (!value) return [];
  const plain: Record<string, unknown> = { ...value, name: a.name };
  delete plain["ref_attr_name"];
  return [plain as unknown as AttributeMsg];
}
