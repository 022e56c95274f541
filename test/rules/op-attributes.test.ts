import { describe, expect, it } from "vitest";
import "../../src/ir/ops/index.js";
import "../../backends/all.js";
import { allOps } from "../../src/ir/registry.js";
import { knownAttributes } from "../../src/rules/op-attributes.js";

/** src/rules/op-attributes.ts stays in step with the op registry (rule files are checked against it). */
describe("op attribute lists", () => {
  it("every registered op (backends included) has one", () => {
    const registered = allOps().map((o) => o.name).sort();
    expect(registered.length).toBeGreaterThan(100);
    expect(registered.filter((op) => knownAttributes(op) === undefined), "ops without an attribute list in src/rules/op-attributes.ts").toEqual([]);
  });

  it("lists the attributes the fusion rules rely on", () => {
    expect(knownAttributes("Conv")).toEqual(expect.arrayContaining(["group", "pads", "activation", "layout"]));
    expect(knownAttributes("BatchNormalization")).toContain("epsilon");
    expect(knownAttributes("Relu")).toEqual([]);
  });
});
