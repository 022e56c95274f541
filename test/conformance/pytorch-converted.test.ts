import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// ONNX backend conformance, the pytorch-converted suite: >= 95% of supported cases pass.
describe("ONNX conformance: pytorch-converted", () => {
  conformanceTest({ suite: "pytorch-converted", minPassRate: 0.95 });
});
