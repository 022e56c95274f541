import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// The newest published ONNX node suite (../shared/models/onnx-node-latest), part b of 6 by sorted case name:
// >= 95% of supported cases pass; the part that completes the suite checks >= 95% of the supported new cases.
describe("ONNX conformance: node-latest-b", () => {
  conformanceTest({ suite: "node-latest", part: { index: 1, count: 6 }, minPassRate: 0.95, minNewPassRate: 0.95 });
});
