import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// ONNX backend conformance, part a of Debian's node suite (by sorted case name): >= 90% of supported cases pass.
describe("ONNX conformance: node-a", () => {
  conformanceTest({ suite: "node", part: { index: 0, count: 2 }, minPassRate: 0.9 });
});
