import { fail } from "../../errors.js";
import { nodeLabel, type AttrValue, type Node } from "../../ir/graph.js";
import { SUPPORTED_OPS_HINT } from "../../ir/registry.js";
import { has, int64ToNumber, type AttributeMsg } from "./messages.js";
import { ATTR_TYPE } from "./schema.js";
import { tensorFromProto } from "./tensor-proto.js";

const utf8 = new TextDecoder("utf-8");

/**
 * Old exporters (IR version 1) wrote attributes without `type`; ONNX then defines the kind by the
 * one value field that is set. An attribute with no value at all can only be an empty list, and
 * `[]` reads as an empty list of any element kind.
 */
function inferredType(a: AttributeMsg): number {
  if (has(a, "f")) return ATTR_TYPE.FLOAT;
  if (has(a, "i")) return ATTR_TYPE.INT;
  if (has(a, "s")) return ATTR_TYPE.STRING;
  if (has(a, "t")) return ATTR_TYPE.TENSOR;
  if (has(a, "g")) return ATTR_TYPE.GRAPH;
  if (has(a, "sparse_tensor")) return ATTR_TYPE.SPARSE_TENSOR;
  if (has(a, "tp")) return ATTR_TYPE.TYPE_PROTO;
  if (a.floats.length > 0) return ATTR_TYPE.FLOATS;
  if (a.ints.length > 0) return ATTR_TYPE.INTS;
  if (a.strings.length > 0) return ATTR_TYPE.STRINGS;
  if (a.tensors.length > 0) return ATTR_TYPE.TENSORS;
  if (a.graphs.length > 0) return ATTR_TYPE.GRAPHS;
  if (a.sparse_tensors.length > 0) return ATTR_TYPE.SPARSE_TENSORS;
  if (a.type_protos.length > 0) return ATTR_TYPE.TYPE_PROTOS;
  return ATTR_TYPE.INTS;
}

/** The node label used in errors before the Node object exists. */
type NodeRef = Pick<Node, "name" | "op">;

function convertAttribute(node: NodeRef, a: AttributeMsg, name: string): AttrValue {
  const type = a.type === undefined || a.type === ATTR_TYPE.UNDEFINED ? inferredType(a) : a.type;
  const subject = nodeLabel(node);
  switch (type) {
    case ATTR_TYPE.FLOAT: return a.f ?? 0;
    case ATTR_TYPE.INT: return a.i === undefined ? 0 : int64ToNumber(a.i);
    // Absent fields read as the decoder's shared default (an empty Array, not bytes): check presence.
    case ATTR_TYPE.STRING: return has(a, "s") ? utf8.decode(a.s!) : "";
    case ATTR_TYPE.TENSOR:
      if (!a.t) fail("bad-attribute", subject, `attribute "${name}" is declared TENSOR but holds no tensor; the model file is corrupt`);
      return tensorFromProto(a.t, `attribute "${name}" of ${subject}`);
    case ATTR_TYPE.FLOATS: return [...a.floats];
    case ATTR_TYPE.INTS: return a.ints.map(int64ToNumber);
    case ATTR_TYPE.STRINGS: return a.strings.map((s) => utf8.decode(s));
    case ATTR_TYPE.GRAPH:
    case ATTR_TYPE.GRAPHS:
      return fail("unsupported-op", subject, `attribute "${name}" is a subgraph; only If, Loop and Scan take subgraphs in Egret (${SUPPORTED_OPS_HINT}); simplify the model first (e.g. onnxsim)`);
    case ATTR_TYPE.SPARSE_TENSOR:
    case ATTR_TYPE.SPARSE_TENSORS:
      return fail("bad-attribute", subject, `attribute "${name}" is a sparse tensor, which Egret does not support; store it as a dense tensor`);
    case ATTR_TYPE.TENSORS:
      return fail("bad-attribute", subject, `attribute "${name}" is a list of tensors, which Egret does not support`);
    case ATTR_TYPE.TYPE_PROTO:
    case ATTR_TYPE.TYPE_PROTOS:
      return fail("bad-attribute", subject, `attribute "${name}" is a type description (TYPE_PROTO), which Egret does not support`);
    default:
      return fail("bad-attribute", subject, `attribute "${name}" has unknown attribute type ${type}; the model file is corrupt or newer than Egret understands`);
  }
}

/** Converts a node's AttributeProtos; names must be present and unique. */
export function convertAttributes(node: NodeRef, attrs: readonly AttributeMsg[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const a of attrs) {
    const name = a.name ?? "";
    if (name === "") fail("bad-attribute", nodeLabel(node), "has an attribute without a name; the model file is corrupt");
    if (Object.prototype.hasOwnProperty.call(out, name)) fail("bad-attribute", nodeLabel(node), `attribute "${name}" appears twice; the model file is corrupt`);
    if (a.ref_attr_name) {
      fail("bad-attribute", nodeLabel(node), `attribute "${name}" refers to a function attribute ("${a.ref_attr_name}"), which is only valid inside ONNX functions`);
    }
    // defineProperty, not assignment, so a name like "__proto__" in a corrupt file stays an
    // ordinary key instead of replacing the object's prototype.
    Object.defineProperty(out, name, { value: convertAttribute(node, a, name), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
