import { describe, expect, it } from "vitest";
import { coreAttributes, knownAttributes } from "../../src/rules/op-attributes.js";
import { OPS } from "../support/toolchain.js";

/** src/rules/op-attributes.ts stays in step with the op registry (rule files are checked against it). */
describe("op attribute lists", () => {
  it("every registered op (backends included) has one", () => {
    const registered = OPS.all().map((o) => o.name).sort();
    expect(registered.length).toBeGreaterThan(100);
    expect(registered.filter((op) => knownAttributes(OPS.get(op)!) === undefined), "ops without an attribute list in src/rules/op-attributes.ts").toEqual([]);
  });

  it("lists the attributes the fusion rules rely on", () => {
    expect(coreAttributes("Conv")).toEqual(expect.arrayContaining(["group", "pads", "activation", "layout"]));
    expect(coreAttributes("BatchNormalization")).toContain("epsilon");
    expect(coreAttributes("Relu")).toEqual([]);
  });
});
