import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// ONNX backend conformance, second half of the node suite (by sorted case name): >= 90% of supported cases pass.
describe("ONNX conformance: node-b", () => {
  conformanceTest({ suite: "node", half: 1, minPassRate: 0.9 });
});
