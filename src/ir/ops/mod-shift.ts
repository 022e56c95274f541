import { fail } from "../../errors.js";
import { attrInt, attrString, checkOneOf } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { elementwiseOp } from "./elementwise/define-op.js";
import { domainOf, type ScalarKernel } from "./elementwise/kernel.js";
import { isSigned } from "./elementwise/type-classes.js";

/**
 * Mod and BitShift: binary elementwise ops with multidirectional broadcasting.
 *
 * Mod: `fmod = 1` is C's fmod (the result has the dividend's sign); `fmod = 0` (the default) is
 * Python's % (the result has the divisor's sign). ONNX asks for fmod = 1 on floats; a float model
 * with fmod = 0 gets numpy's `mod`, the natural reading. A zero divisor gives 0 for integers (C's
 * `%` would be undefined), NaN for floats; `MIN % -1` is 0 (C would overflow).
 */

/** Python's remainder from the truncated one: move it to the divisor's side when the signs differ. */
function floorRemainder(r: number, b: number): number {
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function modKernel(node: Node, dtypes: readonly DType[]): ScalarKernel {
  const fmod = checkOneOf(node, "fmod", attrInt(node, "fmod", 0), [0, 1]) === 1;
  return {
    id: fmod ? "fmod" : "mod",
    real: ([a, b]) => (fmod ? a! % b! : floorRemainder(a! % b!, b!)),
    integer: ([a, b]) => {
      if (b === 0n) return 0n;
      const r = a! % b!;
      return !fmod && r !== 0n && r < 0n !== b! < 0n ? r + b! : r;
    },
    c: (cx, [a, b]) => {
      if (domainOf(cx.inputs) === "real") {
        const r = `${cx.math("fmod")}(${a}, ${b})`;
        return fmod ? r : `(${r} != 0 && (${r} < 0) != (${b} < 0) ? ${r} + ${b} : ${r})`;
      }
      if (!isSigned(dtypes[0]!)) return `(${b} == 0 ? 0 : ${a} % ${b})`;
      // The remainder of a signed pair fits the type; after the sign fix-up |r + b| < |b| too.
      const r = `(${a} % ${b})`;
      const rem = fmod ? r : `(${r} != 0 && (${r} < 0) != (${b} < 0) ? ${r} + ${b} : ${r})`;
      return `(${b} == 0 || ${b} == -1 ? 0 : ${rem})`;
    },
  };
}

const Mod: OpDef = {
  ...elementwiseOp({
    name: "Mod",
    family: "binary",
    inputs: { min: 2, max: 2 },
    types: ["numeric"],
    kernel: modKernel,
  }),
  dataTypes: "float16, float32, float64, int8-int64, uint8-uint64",
};

const UNSIGNED: readonly DType[] = ["uint8", "uint16", "uint32", "uint64"];

/**
 * BitShift on unsigned integers. A shift by the type's width or more gives 0 (every bit shifted
 * out), which C leaves undefined; the shift is done in the unsigned wrap type, so `uint8 << 7`
 * cannot overflow a promoted `int`.
 */
function shiftKernel(node: Node, dtypes: readonly DType[]): ScalarKernel {
  const direction = checkOneOf(node, "direction", attrString(node, "direction"), ["LEFT", "RIGHT"]);
  const dtype = dtypes[0]!;
  if (!UNSIGNED.includes(dtype)) {
    fail("unsupported-dtype", nodeLabel(node), `BitShift is defined on ${UNSIGNED.join(", ")}, got ${dtype}`);
  }
  const bits = DTYPES[dtype].bytes * 8;
  const left = direction === "LEFT";
  return {
    id: left ? "shl" : "shr",
    real: () => fail("internal", nodeLabel(node), "BitShift has no float form"),
    integer: ([a, b]) => (b! >= BigInt(bits) ? 0n : left ? a! << b! : a! >> b!),
    c: (cx, [a, b]) => `(${b} >= ${bits} ? 0 : (${cx.wrapType(0)})${a} ${left ? "<<" : ">>"} ${b})`,
  };
}

const BitShift: OpDef = {
  ...elementwiseOp({
    name: "BitShift",
    family: "binary",
    inputs: { min: 2, max: 2 },
    types: ["integer"],
    kernel: shiftKernel,
  }),
  dataTypes: UNSIGNED.join(", "),
};

registerOps([Mod, BitShift]);
