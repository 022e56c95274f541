import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// ONNX backend conformance, the pytorch-operator suite: >= 95% of supported cases pass.
describe("ONNX conformance: pytorch-operator", () => {
  conformanceTest({ suite: "pytorch-operator", minPassRate: 0.95 });
});
