import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// The newest published ONNX node suite (../shared/models/onnx-node-latest), part c of 4 by sorted case name.
describe("ONNX conformance: node-latest-c", () => {
  conformanceTest({ suite: "node-latest", part: { index: 2, count: 4 } });
});
