import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// The newest published ONNX node suite (../shared/models/onnx-node-latest), part a of 4 by sorted case name.
describe("ONNX conformance: node-latest-a", () => {
  conformanceTest({ suite: "node-latest", part: { index: 0, count: 4 } });
});
