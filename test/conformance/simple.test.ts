import { describe } from "vitest";
import { conformanceTest } from "./suite-test.js";

// ONNX backend conformance, the simple suite: report only, every case classified and no generated runner crashes.
describe("ONNX conformance: simple", () => {
  conformanceTest({ suite: "simple" });
});
