import { fail } from "../../errors.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";

/**
 * If, Loop and Scan carry subgraphs, which the IR has no attribute kind for: the ONNX importer
 * expands them into plain nodes (src/importers/onnx/control-flow.ts) before the graph is built.
 * Their registry entries name the ops (for `egret ops` and op-support checks) and the inputs that
 * must be compile-time constants (If's condition, Loop's trip count and condition); a node that
 * reaches the core unexpanded did not come through the ONNX importer and is refused.
 */
function refuse(node: Node): never {
  return fail(
    "unsupported-op",
    nodeLabel(node),
    `${node.op} carries subgraphs and is expanded by the ONNX importer (taken branch inlined, loops unrolled); this node reached the compiler core unexpanded, so it did not come from an ONNX file`,
  );
}

function controlFlowOp(name: string, inputs: OpDef["inputs"], constInputs: OpDef["constInputs"]): OpDef {
  return {
    name,
    family: "control",
    dataTypes: "any (expanded at import)",
    inputs,
    outputs: { min: 1, max: Number.MAX_SAFE_INTEGER },
    ...(constInputs ? { constInputs } : {}),
    infer: refuse,
    evaluate: refuse,
  };
}

registerOps([
  controlFlowOp("If", { min: 1, max: 1 }, [{ index: 0, attr: "cond" }]),
  // M and cond are optional ("" when absent), so no input is required by position.
  controlFlowOp("Loop", { min: 0, max: Number.MAX_SAFE_INTEGER }, [
    { index: 0, attr: "M" },
    { index: 1, attr: "cond" },
  ]),
  // Opset 8's Scan starts with an optional sequence_lens.
  controlFlowOp("Scan", { min: 0, max: Number.MAX_SAFE_INTEGER }, undefined),
]);
