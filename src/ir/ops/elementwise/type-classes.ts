import { fail } from "../../../errors.js";
import { DTYPES, isFloat, type DType } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";

/** Sets of element types an elementwise input accepts (named after the ONNX type constraints). */
export type TypeClass = "float" | "numeric" | "signed" | "integer" | "bool" | "any";

const ALL_DTYPES = Object.keys(DTYPES) as DType[];

const MEMBERS: Readonly<Record<TypeClass, (d: DType) => boolean>> = {
  float: (d) => isFloat(d),
  numeric: (d) => d !== "bool",
  signed: (d) => isFloat(d) || d.startsWith("int"),
  integer: (d) => !isFloat(d) && d !== "bool",
  bool: (d) => d === "bool",
  any: () => true,
};

export function inClass(dtype: DType, cls: TypeClass): boolean {
  return MEMBERS[cls](dtype);
}

export function isSigned(dtype: DType): boolean {
  return inClass(dtype, "signed");
}

/**
 * Checks the inputs and returns the present ones' infos in order. Inputs before `optionalFrom`
 * must be present; input k's type must be in `classes[k]` (the last class repeats for variadic
 * ops); the inputs listed in `sameType` ("all": every present input) must share one type.
 */
export function checkInputTypes(
  node: Node,
  inputs: readonly (ValueInfo | undefined)[],
  classes: readonly TypeClass[],
  sameType: readonly number[] | "all",
  optionalFrom = inputs.length,
): ValueInfo[] {
  inputs.forEach((info, k) => {
    if (!info) {
      if (k < optionalFrom) fail("bad-shape", nodeLabel(node), `input ${k} is missing; ${node.op} needs it`);
      return;
    }
    const cls = classes[Math.min(k, classes.length - 1)]!;
    if (!inClass(info.dtype, cls)) {
      const allowed = ALL_DTYPES.filter((d) => inClass(d, cls)).join(", ");
      fail("unsupported-dtype", nodeLabel(node), `input ${k} is ${info.dtype}; ${node.op} accepts ${allowed}`);
    }
  });
  const group = (sameType === "all" ? inputs.map((_, k) => k) : sameType).filter((k) => inputs[k] !== undefined);
  const first = group[0];
  for (const k of group) {
    if (inputs[k]!.dtype !== inputs[first!]!.dtype) {
      fail(
        "unsupported-dtype",
        nodeLabel(node),
        `inputs ${first} and ${k} must have the same element type, got ${inputs[first!]!.dtype} and ${inputs[k]!.dtype} (insert a Cast in the model)`,
      );
    }
  }
  return inputs.filter((info): info is ValueInfo => info !== undefined);
}
