import { fail } from "../../errors.js";
import { attrInt } from "../attrs.js";
import { DTYPES, dtypeFromOnnx, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";

/** BitCast's target type: its `to` attribute, an ONNX type code of a type the IR has. */
function bitcastTarget(node: Node): DType {
  const code = attrInt(node, "to");
  const dtype = dtypeFromOnnx(code);
  if (!dtype) fail("unsupported-dtype", nodeLabel(node), `attribute "to" = ${code} is not the code of a numeric or bool type Egret supports`);
  return dtype;
}

/**
 * BitCast (opset 26): the same bytes read as another type of the same width (little-endian, as
 * on every target). The output is the input's buffer, so no code is emitted.
 */
const BitCast: OpDef = {
  name: "BitCast",
  family: "cast",
  dataTypes: "any, to a type of the same width",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  alias: true,
  infer(node, [x]) {
    const to = bitcastTarget(node);
    if (DTYPES[to].bytes !== DTYPES[x!.dtype].bytes) {
      fail("unsupported-dtype", nodeLabel(node), `BitCast needs types of the same width: ${x!.dtype} is ${DTYPES[x!.dtype].bytes * 8} bits, ${to} is ${DTYPES[to].bytes * 8}`);
    }
    return [{ dtype: to, shape: x!.shape }];
  },
  evaluate: (node, [x]) => [Tensor.fromBytes(bitcastTarget(node), x!.shape, x!.bytes())],
};

registerOps([BitCast]);
