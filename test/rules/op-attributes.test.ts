import { describe, expect, it } from "vitest";
import "../../src/ir/ops/index.js";
import "../../backends/all.js";
import { allOps } from "../../src/ir/registry.js";
import { knownAttributes, opsWithAttributeLists } from "../../src/rules/op-attributes.js";

/** src/rules/op-attributes.ts stays in step with the op registry (rule files are checked against it). */
describe("op attribute lists", () => {
  it("every registered op (backends included) has one, and every listed op is registered", () => {
    const registered = allOps().map((o) => o.name).sort();
    expect(registered.filter((op) => knownAttributes(op) === undefined), "ops without an attribute list in src/rules/op-attributes.ts").toEqual([]);
    expect(opsWithAttributeLists().filter((op) => !registered.includes(op)), "listed ops that are not registered").toEqual([]);
  });

  it("lists the attributes the fusion rules rely on", () => {
    expect(knownAttributes("Conv")).toEqual(expect.arrayContaining(["group", "pads", "activation", "layout"]));
    expect(knownAttributes("BatchNormalization")).toContain("epsilon");
    expect(knownAttributes("Relu")).toEqual([]);
  });
});
