import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// The newest published ONNX node suite (../shared/models/onnx-node-latest), part b of 4 by sorted case name.
describe("ONNX conformance: node-latest-b", () => {
  conformanceTest({ suite: "node-latest", part: { index: 1, count: 4 } });
});
