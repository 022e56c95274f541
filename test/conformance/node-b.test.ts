import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// ONNX backend conformance, part b of Debian's node suite (by sorted case name): >= 90% of supported cases pass.
describe("ONNX conformance: node-b", () => {
  conformanceTest({ suite: "node", part: { index: 1, count: 2 }, minPassRate: 0.9 });
});
