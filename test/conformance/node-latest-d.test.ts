import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// The newest published ONNX node suite (../shared/models/onnx-node-latest), part d of 4 by sorted case name.
describe("ONNX conformance: node-latest-d", () => {
  conformanceTest({ suite: "node-latest", part: { index: 3, count: 4 } });
});
