/**
 * ONNX files damaged in ways the mutation campaign (bench/mutation-campaign.ts) found to reach past
 * the decoder: each must be an EgretError naming the node, never a TypeError or RangeError.
 */
import { describe, expect, it } from "vitest";
import { EgretError } from "../../src/errors.js";
import { importModelBytes } from "../../src/importers/index.js";
import "../../src/ir/ops/index.js";
import { encodeProtoObject, modelProtoObject } from "../support/onnx-builder.js";

type Obj = Record<string, unknown>;

function importError(bytes: Uint8Array): string {
  try {
    importModelBytes(bytes, "corrupt.onnx");
  } catch (e) {
    if (e instanceof EgretError) return e.message;
    throw e;
  }
  return "imported";
}

const poolModel = () =>
  modelProtoObject({
    inputs: [{ name: "x", dims: [1, 1, 4, 4] }],
    outputs: ["y"],
    nodes: [{ op: "MaxPool", inputs: ["x"], outputs: ["y"], name: "pool", attrs: { kernel_shape: [2, 2], auto_pad: "SAME_UPPER" } }],
  });

describe("corrupt ONNX attributes", () => {
  it("a STRING attribute whose value field is missing (campaign case onnx#70) is a clean error", () => {
    const model = poolModel();
    const autoPad = (((model.graph as Obj).node as Obj[])[0]!.attribute as Obj[]).find((a) => a.name === "auto_pad")!;
    expect(autoPad.s).toBeDefined();
    delete autoPad.s;
    // The attribute reads as "", which MaxPool rejects by name, instead of a TypeError.
    expect(importError(encodeProtoObject(model))).toMatch(/^node "pool" \(MaxPool\): attribute "auto_pad"/);
  });
});
