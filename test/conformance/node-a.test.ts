import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// ONNX backend conformance, first half of the node suite (by sorted case name): >= 90% of supported cases pass.
describe("ONNX conformance: node-a", () => {
  conformanceTest({ suite: "node", half: 0, minPassRate: 0.9 });
});
